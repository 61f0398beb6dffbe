using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>What the process analysis of a map is asked for: the funnel's conversion windows, segments, a designed journey.</summary>
public sealed record JourneyAnalysisOptions
{
    /// <summary>Conversion windows of the funnel, in days (30 and 90 by default).</summary>
    public IReadOnlyList<int> WindowDays { get; init; } = DefaultWindowDays;

    public static IReadOnlyList<int> DefaultWindowDays { get; } = [30, 90];

    /// <summary>Each customer's segment in words ("2 Evaluators"), for the funnel per segment; null when no model gives segments.</summary>
    public IReadOnlyDictionary<string, string>? Segments { get; init; }

    /// <summary>The designed journey the customers are held against; null for the path order of stages.json.</summary>
    public DesignedJourney? Designed { get; init; }

    /// <summary>
    /// The first date of the timelines, when they begin before the customers did (a journey run starts them 90 days before
    /// the window): a stay already running then has no known start, so its length is left out of the move times.
    /// </summary>
    public DateTime? TimelinesStart { get; init; }

    /// <summary>The longest conversion window accepted: two years (a longer one has no entries old enough to observe).</summary>
    public const int MaxWindowDays = 730;

    /// <summary>Checks the windows, naming the bad one.</summary>
    public void Validate()
    {
        if (WindowDays.Count == 0)
        {
            throw new Errors.InvalidInputException("--window: give at least one conversion window in days");
        }
        foreach (int days in WindowDays)
        {
            if (days < 1 || days > MaxWindowDays)
            {
                throw new Errors.InvalidInputException($"--window {days}: a conversion window is 1 to {MaxWindowDays} days");
            }
        }
    }
}

/// <summary>
/// The process-mining view of a map, from the same stage timelines: funnels with conversion windows, time in stage as
/// distributions, variants with loops collapsed, bottlenecks and rework, conformance to the designed journey. Each part
/// makes one pass over the customers' stays (linear in stays), so it adds little to a map of 100,000 customers.
/// </summary>
public static class JourneyAnalysis
{
    /// <param name="customers">The map's customers (a segment, an account); null for everyone.</param>
    public static JourneyMap With(JourneyMap map, StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines,
        IReadOnlySet<string>? customers = null, JourneyAnalysisOptions? options = null)
    {
        options ??= new JourneyAnalysisOptions();
        options.Validate();
        var window = new AnalysisWindow(model, map.From, map.To, options.TimelinesStart,
            [.. timelines.Where(t => (customers is null || customers.Contains(t.Key)) && t.Value.Any(s => s.EnteredAt < map.To && (s.LeftAt ?? DateTime.MaxValue) > map.From))]);
        var design = options.Designed ?? DesignedJourney.FromPath(model);
        // The parts only read the timelines: one per core.
        ConversionFunnel funnel = ConversionFunnel.Empty;
        IReadOnlyList<StageDuration> durations = [];
        VariantSummary variants = VariantSummary.Empty;
        BottleneckSummary bottlenecks = BottleneckSummary.Empty;
        ConformanceResult conformance = ConformanceResult.Empty;
        Parallel.Invoke(
            () => funnel = Funnels.Build(window, options.WindowDays, options.Segments),
            () => durations = StageDurations.Build(window),
            () => variants = Variants.Build(window),
            () => bottlenecks = Bottlenecks.Build(window),
            () => conformance = Conformance.Build(window, design));
        return map with { Funnel = funnel, TimeInStage = durations, Variants = variants, Bottlenecks = bottlenecks, Conformance = conformance };
    }
}

/// <summary>How a move relates to the designed path.</summary>
public static class DesignMoves
{
    public const string Forward = "forward";
    public const string Skip = "skipped stages";
    public const string Backward = "backward";
    public const string OffPath = "left the path";
    public const string BackOnPath = "back on the path";
    public const string BetweenOffPath = "between off-path stages";
    public const string NotInDesign = "not in the design";
}

/// <summary>The customers of a map with their whole timelines, the window, and the path order: what every analysis reads.</summary>
internal sealed class AnalysisWindow(StageModel model, DateTime from, DateTime to, DateTime? timelinesStart, List<KeyValuePair<string, IReadOnlyList<StageStay>>> timelines)
{
    /// <summary>Whether the stay's start is when the customer entered, not just when the timelines began.</summary>
    public bool KnownStart(StageStay stay) => timelinesStart is not { } start || stay.EnteredAt > start;

    private readonly Dictionary<string, int> _pathOrder = model.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    public DateTime From { get; } = from;
    public DateTime To { get; } = to;
    public IReadOnlyList<string> Path { get; } = [.. model.Path.Select(s => s.Name)];
    public IReadOnlyList<string> Names { get; } = [.. model.Names];
    /// <summary>Customers with at least one stay overlapping the window, with their whole timeline.</summary>
    public List<KeyValuePair<string, IReadOnlyList<StageStay>>> Timelines { get; } = timelines;

    /// <summary>Position on the path; -1 off it.</summary>
    public int PathIndex(string stage) => _pathOrder.TryGetValue(stage, out int i) ? i : -1;

    public bool InWindow(DateTime at) => at >= From && at < To;

    public static bool Overlaps(StageStay s, DateTime from, DateTime to) => s.EnteredAt < to && (s.LeftAt ?? DateTime.MaxValue) > from;

    /// <summary>The kind of a move by where its stages sit on the path (forward by one stage, skipping, back, off, back on).</summary>
    public string KindOf(string from, string to)
    {
        int a = PathIndex(from), b = PathIndex(to);
        return (a, b) switch
        {
            ( >= 0, >= 0) when b == a + 1 => DesignMoves.Forward,
            ( >= 0, >= 0) when b > a => DesignMoves.Skip,
            ( >= 0, >= 0) => DesignMoves.Backward,
            ( >= 0, _) => DesignMoves.OffPath,
            (_, >= 0) => DesignMoves.BackOnPath,
            _ => DesignMoves.BetweenOffPath,
        };
    }

    public static double DaysBetween(DateTime a, DateTime b) => (b - a).TotalDays;
}
