using System.Globalization;

namespace JourneyML.Core.Survival;

/// <summary>
/// A paying customer's survival curve from an as-of date: the probability of still paying 30, 60, ..., 180 days later,
/// one point at the end of each 30-day period of the hazard model, straight lines in between (S(0) = 1).
/// </summary>
public sealed record SurvivalCurve(double[] Survival)
{
    /// <summary>Days of one period of the hazard model.</summary>
    public const int PeriodDays = 30;

    /// <summary>Periods the model looks ahead: 6 x 30 = 180 days.</summary>
    public const int Periods = 6;

    /// <summary>The days at the end of each period: 30, 60, ..., 180.</summary>
    public static IReadOnlyList<int> Days { get; } = [.. Enumerable.Range(1, Periods).Select(p => p * PeriodDays)];

    /// <summary>The days a customer's churn risk is reported at (snapshot columns, API).</summary>
    public static IReadOnlyList<int> ReportedDays { get; } = [30, 60, 90, 180];

    /// <summary>The curve from per-period hazards (the probability of churning in each period, having paid at its start).</summary>
    public static SurvivalCurve FromHazards(ReadOnlySpan<float> hazards)
    {
        var s = new double[hazards.Length];
        double alive = 1;
        for (int p = 0; p < hazards.Length; p++)
        {
            alive *= 1 - Math.Clamp(hazards[p], 0, 1);
            s[p] = alive;
        }
        return new SurvivalCurve(s);
    }

    /// <summary>S(t), linear within a period; flat after the last one.</summary>
    public double At(double days)
    {
        if (days <= 0)
        {
            return 1;
        }
        double position = days / PeriodDays;
        int whole = (int)Math.Floor(position);
        if (whole >= Survival.Length)
        {
            return Survival[^1];
        }
        double before = whole == 0 ? 1 : Survival[whole - 1];
        return before + (Survival[whole] - before) * (position - whole);
    }

    /// <summary>The probability of churning within the given days.</summary>
    public double ChurnWithin(int days) => 1 - At(days);

    /// <summary>The median time to churn in days (where the curve crosses 0.5), or null when it stays above 0.5 through 180 days.</summary>
    public double? MedianDays
    {
        get
        {
            double before = 1;
            for (int p = 0; p < Survival.Length; p++)
            {
                if (Survival[p] <= 0.5)
                {
                    double share = before - Survival[p] > 0 ? (before - 0.5) / (before - Survival[p]) : 0;
                    return Math.Round((p + share) * PeriodDays, 1);
                }
                before = Survival[p];
            }
            return null;
        }
    }

    /// <summary>"in about 75 days" or "beyond 180 days": the median time to churn in words.</summary>
    public string MedianText => MedianDays is { } d
        ? string.Create(CultureInfo.InvariantCulture, $"in about {d:0} days")
        : $"beyond {Days[^1]} days";
}
