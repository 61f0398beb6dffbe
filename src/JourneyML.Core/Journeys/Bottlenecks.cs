using JourneyML.Core.Prediction;

namespace JourneyML.Core.Journeys;

/// <summary>One move between stages in the window: how many made it, and the days spent in the first stage before it (median, p90, 95% intervals).</summary>
/// <remarks><see cref="TimedMoves"/>: the moves out of stays with a known start (not already running when the timelines began), which the times are of.</remarks>
public sealed record EdgeTime(string From, string To, string Kind, int Moves, int TimedMoves, DaysQuantile? Median, DaysQuantile? P90, bool TooSmall);

/// <summary>
/// Where time piles up and customers come back: a stage's customer-days in the window (and their share of all), the
/// customers who were in it, and how many of them entered it again after leaving (rework), with a 95% Wilson interval.
/// </summary>
public sealed record StageLoad(string Stage, double CustomerDays, double ShareOfDays, int Customers, int Reentered, double? ReentryShare, double? Low95, double? High95);

/// <summary>The slowest moves first (by median days in the stage before them), and the stages by customer-days.</summary>
public sealed record BottleneckSummary(IReadOnlyList<EdgeTime> SlowestMoves, IReadOnlyList<StageLoad> Stages, int MinMoves)
{
    public static BottleneckSummary Empty { get; } = new([], [], Days.MinCount);
}

internal static class Bottlenecks
{
    public static BottleneckSummary Build(AnalysisWindow window)
    {
        var edges = new Dictionary<(string, string), (int Moves, List<double> Days)>();
        var days = window.Names.ToDictionary(n => n, _ => 0.0, StringComparer.Ordinal);
        var customers = window.Names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        var reentered = window.Names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        var ever = new HashSet<string>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var again = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, stays) in window.Timelines)
        {
            ever.Clear();
            present.Clear();
            again.Clear();
            for (int k = 0; k < stays.Count; k++)
            {
                var stay = stays[k];
                if (k + 1 < stays.Count && stay.LeftAt is { } left && window.InWindow(left))
                {
                    var key = (stay.Stage, stays[k + 1].Stage);
                    var edge = edges.TryGetValue(key, out var e) ? e : (0, []);
                    if (window.KnownStart(stay))
                    {
                        edge.Days.Add(AnalysisWindow.DaysBetween(stay.EnteredAt, left));
                    }
                    edges[key] = (edge.Moves + 1, edge.Days);
                }
                // Rework: a stage entered in the window by a customer who had been in it before (in or before the window).
                if (!ever.Add(stay.Stage) && window.InWindow(stay.EnteredAt))
                {
                    again.Add(stay.Stage);
                }
                if (AnalysisWindow.Overlaps(stay, window.From, window.To))
                {
                    present.Add(stay.Stage);
                    var start = stay.EnteredAt > window.From ? stay.EnteredAt : window.From;
                    var end = stay.LeftAt is { } l && l < window.To ? l : window.To;
                    days[stay.Stage] += AnalysisWindow.DaysBetween(start, end);
                }
            }
            foreach (var stage in present)
            {
                customers[stage]++;
            }
            foreach (var stage in again)
            {
                reentered[stage]++;
            }
        }
        double total = days.Values.Sum();
        var slowest = edges.Select(e =>
        {
            var timed = e.Value.Days;
            timed.Sort();
            return new EdgeTime(e.Key.Item1, e.Key.Item2, window.KindOf(e.Key.Item1, e.Key.Item2), e.Value.Moves, timed.Count,
                Days.Quantile(timed, 0.5), Days.Quantile(timed, 0.9), timed.Count < Days.MinCount);
        }).OrderBy(e => e.TooSmall).ThenByDescending(e => e.Median?.Days ?? -1).ThenByDescending(e => e.Moves)
            .ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList();
        var loads = window.Names.Where(n => customers[n] > 0).Select(n =>
        {
            var interval = HoldoutIntervals.Wilson(reentered[n], customers[n]);
            return new StageLoad(n, days[n], total == 0 ? 0 : days[n] / total, customers[n], reentered[n], (double)reentered[n] / customers[n], interval.Low, interval.High);
        }).OrderByDescending(s => s.CustomerDays).ThenBy(s => s.Stage, StringComparer.Ordinal).ToList();
        return new BottleneckSummary(slowest, loads, Days.MinCount);
    }
}
