using System.Globalization;
using JourneyML.Core.Prediction;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>
/// One funnel cell: of the customers who entered <see cref="FromStage"/> in the map's window (their first entry there),
/// how many reached <see cref="ToStage"/> or a stage beyond it on the path within <see cref="WindowDays"/> days.
/// Entries too recent for the whole window to have passed by the map's end cannot be judged yet: they are counted in
/// <see cref="Entered"/> but not in <see cref="Observed"/>, and the share is of the observed ones.
/// </summary>
public sealed record FunnelCell(
    string FromStage,
    string ToStage,
    int WindowDays,
    /// <summary>"all", "segment" or "cohort" (the month of entry, yyyy-MM).</summary>
    string GroupKind,
    string Group,
    int Entered,
    int Observed,
    int Reached,
    double? Share,
    double? Low95,
    double? High95,
    /// <summary>Fewer than <see cref="ConversionFunnel.MinObserved"/> observed entries: the share is rough.</summary>
    bool TooSmall);

/// <summary>Funnels with conversion windows: per path stage, per segment and per month of entry; shares with 95% Wilson intervals.</summary>
public sealed record ConversionFunnel(IReadOnlyList<int> WindowDays, int MinObserved, IReadOnlyList<FunnelCell> Cells)
{
    public const int DefaultMinObserved = 30;

    public static ConversionFunnel Empty { get; } = new([], DefaultMinObserved, []);
}

/// <summary>
/// Builds the funnel in one pass over the customers: each customer's first entry into each path stage in the window,
/// and the first time after it they stood on each later path stage (a skipped stage counts as passed: the stage model
/// puts a customer in the furthest stage that holds).
/// </summary>
internal static class Funnels
{
    public const string All = "all", Segment = "segment", Cohort = "cohort";

    public static ConversionFunnel Build(AnalysisWindow window, IReadOnlyList<int> windowDays, IReadOnlyDictionary<string, string>? segments)
    {
        var windows = windowDays.Distinct().Order().ToArray();
        int path = window.Path.Count;
        var counts = new Dictionary<(string Kind, string Group), Counts>();
        Counts For(string kind, string group)
        {
            if (!counts.TryGetValue((kind, group), out var c))
            {
                counts[(kind, group)] = c = new Counts(path, windows.Length);
            }
            return c;
        }
        var reachedAt = new DateTime?[path];
        foreach (var (id, stays) in window.Timelines)
        {
            var groups = new List<Counts>(3) { For(All, "all") };
            if (segments is not null && segments.TryGetValue(id, out var segment))
            {
                groups.Add(For(Segment, segment));
            }
            var seen = new bool[path];
            for (int k = 0; k < stays.Count; k++)
            {
                int from = window.PathIndex(stays[k].Stage);
                var entered = stays[k].EnteredAt;
                if (from < 0 || seen[from] || !window.InWindow(entered))
                {
                    continue;
                }
                seen[from] = true;
                FirstReached(window, stays, k, from, entered.AddDays(windows[^1]), reachedAt);
                var cohort = For(Cohort, entered.ToString("yyyy-MM", CultureInfo.InvariantCulture));
                foreach (var c in groups.Append(cohort))
                {
                    c.Add(from, entered, window.To, windows, reachedAt);
                }
            }
        }
        var cells = new List<FunnelCell>();
        foreach (var ((kind, group), c) in counts.OrderBy(g => KindOrder(g.Key.Kind)).ThenBy(g => g.Key.Group, StringComparer.Ordinal))
        {
            cells.AddRange(c.Cells(window.Path, windows, kind, group));
        }
        return new ConversionFunnel(windows, ConversionFunnel.DefaultMinObserved, cells);
    }

    private static int KindOrder(string kind) => kind switch { All => 0, Segment => 1, _ => 2 };

    /// <summary>For every later path stage, the first time at or beyond it after stay k (up to the longest window).</summary>
    private static void FirstReached(AnalysisWindow window, IReadOnlyList<StageStay> stays, int k, int from, DateTime until, DateTime?[] reachedAt)
    {
        Array.Clear(reachedAt);
        int furthest = from;
        for (int j = k + 1; j < stays.Count && stays[j].EnteredAt <= until && furthest < reachedAt.Length - 1; j++)
        {
            int at = window.PathIndex(stays[j].Stage);
            for (int t = furthest + 1; t <= at; t++)
            {
                reachedAt[t] = stays[j].EnteredAt;
            }
            furthest = Math.Max(furthest, at);
        }
    }

    /// <summary>Entries, observed entries per window, and reached per window and later stage, of one group.</summary>
    private sealed class Counts(int path, int windows)
    {
        private readonly int[] _entered = new int[path];
        private readonly int[,] _observed = new int[path, windows];
        private readonly int[,,] _reached = new int[path, windows, path];

        public void Add(int from, DateTime entered, DateTime end, int[] windowDays, DateTime?[] reachedAt)
        {
            _entered[from]++;
            for (int w = 0; w < windowDays.Length; w++)
            {
                var deadline = entered.AddDays(windowDays[w]);
                if (deadline > end)
                {
                    continue; // too recent: the window has not passed yet
                }
                _observed[from, w]++;
                for (int to = from + 1; to < path; to++)
                {
                    if (reachedAt[to] is { } at && at <= deadline)
                    {
                        _reached[from, w, to]++;
                    }
                }
            }
        }

        public IEnumerable<FunnelCell> Cells(IReadOnlyList<string> names, int[] windowDays, string kind, string group)
        {
            for (int from = 0; from < path; from++)
            {
                if (_entered[from] == 0)
                {
                    continue;
                }
                for (int w = 0; w < windowDays.Length; w++)
                {
                    for (int to = from + 1; to < path; to++)
                    {
                        int observed = _observed[from, w], reached = _reached[from, w, to];
                        var interval = observed == 0 ? null : HoldoutIntervals.Wilson(reached, observed);
                        yield return new FunnelCell(names[from], names[to], windowDays[w], kind, group, _entered[from], observed, reached,
                            observed == 0 ? null : (double)reached / observed, interval?.Low, interval?.High, observed < ConversionFunnel.DefaultMinObserved);
                    }
                }
            }
        }
    }
}
