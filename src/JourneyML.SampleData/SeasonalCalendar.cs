namespace JourneyML.SampleData;

/// <summary>How strongly an activity follows the working week.</summary>
internal enum ActivityRhythm
{
    /// <summary>Product logins and tickets: weekends far quieter.</summary>
    Work,

    /// <summary>Marketing content: somewhat quieter at weekends.</summary>
    Content,

    /// <summary>A consumer app: busier at weekends and over the year-end holidays.</summary>
    Leisure,
}

/// <summary>
/// Multipliers of the event rate by local day (weekday/weekend, holiday dip from 22 December to 3 January) and
/// local hour, normalised so a year averages about 1. Precomputed per day of the export window.
/// </summary>
internal sealed class SeasonalCalendar
{
    private static readonly double[] s_hourWeights = BuildHourWeights();
    private static readonly double s_hourMax = s_hourWeights.Max();

    private readonly double[][] _dayFactors;
    private readonly double[] _maxFactor;
    private readonly int _firstDay;

    /// <param name="dataStart">Day 0 of the simulation axis.</param>
    /// <param name="days">Number of days the table must cover after day 0.</param>
    public SeasonalCalendar(DateTime dataStart, int days)
    {
        _firstDay = -2;
        int count = days + 4;
        var rhythms = Enum.GetValues<ActivityRhythm>();
        _dayFactors = new double[rhythms.Length][];
        _maxFactor = new double[rhythms.Length];
        foreach (var rhythm in rhythms)
        {
            (double weekend, double holiday) = rhythm switch
            {
                ActivityRhythm.Work => (0.15, 0.35),
                ActivityRhythm.Leisure => (1.5, 1.3),
                _ => (0.45, 0.6),
            };
            double weekMean = (5 + 2 * weekend) / 7;
            var factors = new double[count];
            for (int i = 0; i < count; i++)
            {
                var date = dataStart.Date.AddDays(_firstDay + i);
                bool isWeekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                bool isHoliday = (date.Month == 12 && date.Day >= 22) || (date.Month == 1 && date.Day <= 3);
                factors[i] = (isWeekend ? weekend : 1.0) / weekMean * (isHoliday ? holiday : 1.0);
            }
            _dayFactors[(int)rhythm] = factors;
            _maxFactor[(int)rhythm] = factors.Max() * s_hourMax;
        }
    }

    /// <summary>The largest multiplier of a rhythm (the bound used for thinning).</summary>
    public double Max(ActivityRhythm rhythm) => _maxFactor[(int)rhythm];

    /// <summary>Multiplier at <paramref name="localDay"/> (days since day 0 in the contact's local time).</summary>
    public double Factor(ActivityRhythm rhythm, double localDay)
    {
        double floor = Math.Floor(localDay);
        int index = (int)floor - _firstDay;
        var factors = _dayFactors[(int)rhythm];
        index = Math.Clamp(index, 0, factors.Length - 1);
        int hour = Math.Min(23, (int)((localDay - floor) * 24));
        return factors[index] * s_hourWeights[hour];
    }

    private static double[] BuildHourWeights()
    {
        var weights = new double[24];
        for (int h = 0; h < 24; h++)
        {
            weights[h] = h switch
            {
                < 7 => 0.08,
                7 => 0.5,
                < 18 => 1.6,
                < 22 => 0.6,
                _ => 0.25,
            };
        }
        double mean = weights.Average();
        for (int h = 0; h < 24; h++)
        {
            weights[h] /= mean;
        }
        return weights;
    }
}
