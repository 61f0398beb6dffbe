namespace JourneyML.Core.Journeys;

/// <summary>
/// Time in one stage, for the stays that began in the map's window: the finished ones as a distribution, and those still
/// running at the map's end (censored: they will last at least as long as they have so far) counted apart.
/// </summary>
public sealed record StageDuration(
    string Stage,
    bool OnPath,
    /// <summary>Finished stays: median, p90 with 95% intervals, histogram.</summary>
    DaysDistribution Finished,
    /// <summary>Stays still running at the map's end, not in <see cref="Finished"/>.</summary>
    int StillIn,
    /// <summary>How long those still in have been there so far, at the median.</summary>
    double? StillInMedianDaysSoFar,
    /// <summary>The Kaplan–Meier median over both (a running stay counts as "at least this long"); null while more than half are still in.</summary>
    double? MedianWithStillIn);

/// <summary>Time in stage per stage as distributions, in one pass over the stays.</summary>
internal static class StageDurations
{
    public static IReadOnlyList<StageDuration> Build(AnalysisWindow window)
    {
        var finished = window.Names.ToDictionary(n => n, _ => new List<double>(), StringComparer.Ordinal);
        var running = window.Names.ToDictionary(n => n, _ => new List<double>(), StringComparer.Ordinal);
        foreach (var (_, stays) in window.Timelines)
        {
            foreach (var stay in stays)
            {
                if (!window.InWindow(stay.EnteredAt))
                {
                    continue;
                }
                // A stay left after the map's end is still running as far as the map can see.
                if (stay.LeftAt is { } left && left <= window.To)
                {
                    finished[stay.Stage].Add(AnalysisWindow.DaysBetween(stay.EnteredAt, left));
                }
                else
                {
                    running[stay.Stage].Add(AnalysisWindow.DaysBetween(stay.EnteredAt, window.To));
                }
            }
        }
        return [.. window.Names.Where(n => finished[n].Count + running[n].Count > 0).Select(n =>
        {
            var distribution = Days.Of(finished[n], "finished stays");
            var still = running[n];
            var kaplanMeier = Days.KaplanMeierMedian(finished[n], still);
            return new StageDuration(n, window.PathIndex(n) >= 0, distribution, still.Count, Days.Quantile(still, 0.5)?.Days, kaplanMeier);
        })];
    }
}
