namespace JourneyML.SampleData;

/// <summary>The fixed frame every account is simulated in: the time axis (days since the data start) and the calendar.</summary>
internal sealed class SimulatedWorld
{
    public SimulatedWorld(GeneratorOptions options)
    {
        Options = options;
        AsOfDay = (options.ReferenceAsOf - options.DataStart).TotalDays;
        EndDay = (options.DataAsOf - options.DataStart).TotalDays;
        Horizon = options.HorizonDays;
        Calendar = new SeasonalCalendar(options.DataStart, (int)Math.Ceiling(EndDay) + 1);
    }

    public GeneratorOptions Options { get; }

    /// <summary>The reference as-of date T, in days since the data start.</summary>
    public double AsOfDay { get; }

    /// <summary>The end of the export, in days since the data start.</summary>
    public double EndDay { get; }

    public double Horizon { get; }

    public SeasonalCalendar Calendar { get; }

    public long AsOfSecond => ToSecond(AsOfDay);

    public long HorizonEndSecond => ToSecond(AsOfDay + Horizon);

    public long EndSecond => ToSecond(EndDay);

    public static long ToSecond(double day) => (long)Math.Floor(day * 86400);

    public DateTime ToDateTime(long second) =>
        new(Options.DataStart.Ticks + second * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
