using System.Globalization;

namespace JourneyML.Core.Journeys;

/// <summary>The words and numbers the process analysis is shown with, the same in Markdown and HTML.</summary>
internal static class JourneyAnalysisText
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static string Percent(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0%", s_inv) : "–";

    public static string Range(double? low, double? high) => low is { } l && high is { } h && !double.IsNaN(l) ? $"{Percent(l)}–{Percent(h)}" : "–";

    public static string Days(double? v) => v is { } x ? x.ToString("0", s_inv) + " d" : "–";

    public static string Days(DaysQuantile? q) => q is null ? "–" : $"{q.Days.ToString("0", s_inv)} d ({q.Low95.ToString("0", s_inv)}–{q.High95.ToString("0", s_inv)})";

    public static string Count(int n) => n.ToString("N0", s_inv);

    public static string Bin(DaysBin b) => b.ToDays is { } to ? $"{(b.FromDays == 0 ? "0" : b.FromDays.ToString("0", s_inv))}–{to.ToString("0", s_inv)} d" : $"> {b.FromDays.ToString("0", s_inv)} d";

    /// <summary>"42% (37%–47%) of 285" or "–" with the reason; "rough" when the cell rests on few entries.</summary>
    public static string Cell(FunnelCell? c) => c is null ? "–"
        : c.Observed == 0 ? $"– (none of {Count(c.Entered)} old enough)"
        : $"{Percent(c.Share)} ({Range(c.Low95, c.High95)}) of {Count(c.Observed)}{(c.TooSmall ? ", rough" : "")}";

    public static string FunnelIntro(ConversionFunnel f) =>
        $"Of the customers who entered a stage in the window (their first entry there), the share who reached each later stage, or one beyond it, " +
        $"within {string.Join(" and ", f.WindowDays.Select(d => d.ToString(s_inv) + " days"))}. Entries too recent for the window to have passed are left out " +
        $"of the share and counted apart, so a longer window judges an older, smaller group; 95% Wilson intervals; under {f.MinObserved} entries a share is marked rough.";

    public static string DurationIntro =>
        "Time in stage for the stays that began in the window. Finished stays give the histogram, median and p90 (95% intervals from the order statistics); " +
        "stays still running at the end are counted apart (censored: they will last at least as long as they have so far), and the median counting them " +
        "(Kaplan–Meier) says how much the finished ones alone understate.";

    public static string VariantIntro(VariantSummary v) =>
        $"{Count(v.Customers)} customers took {Count(v.DistinctVariants)} distinct paths in the window (loops collapsed: A → B → A → B is A → B, looped once). " +
        "Median days from a path's first stage to its last.";

    public static string ConformanceHeadline(ConformanceResult c) => c.CustomersWhoMoved == 0
        ? $"No customer moved between stages in the window, so nothing to hold against the design ({c.Design})."
        : $"{Percent(c.Share)} ({Range(c.Low95, c.High95)}) of the {Count(c.CustomersWhoMoved)} customers who moved followed the designed journey ({c.Design}) in every move; " +
          $"{Percent(c.ShareOfMovesAllowed)} of {Count(c.Moves)} moves were allowed. {Count(c.Customers - c.CustomersWhoMoved)} customers stayed in one stage all window." +
          (c.TooSmall is { } small ? $" Too small to rely on: {small}." : "");

    public static string Loops(Variant v) => v.CustomersWhoLooped == 0 ? "–" : $"{Count(v.CustomersWhoLooped)} ({Count(v.Loops)} loop{(v.Loops == 1 ? "" : "s")})";

    /// <summary>" (rough)" beside a count of stays too few for their median; nothing when there are none or enough.</summary>
    public static string Rough(DaysDistribution d) => d.Count > 0 && d.TooSmall is not null ? " (rough)" : "";

    public static string Destinations(IReadOnlyList<NextStage> next, int take = 4) =>
        string.Join(", ", next.Take(take).Select(n => $"{n.Stage} {Percent(n.Share)}")) + (next.Count > take ? ", …" : "");

    /// <summary>The funnel cell from a stage to the next path stage, for one group and window.</summary>
    public static FunnelCell? Next(ConversionFunnel f, IReadOnlyList<string> path, string from, int window, string kind, string group)
    {
        int i = IndexOf(path, from);
        return i < 0 || i + 1 >= path.Count ? null
            : f.Cells.FirstOrDefault(c => c.WindowDays == window && c.GroupKind == kind && c.Group == group && c.FromStage == from && c.ToStage == path[i + 1]);
    }

    /// <summary>The path stages in order, as the map's stage list has them.</summary>
    public static List<string> Path(JourneyMap map) => [.. map.Stages.Where(s => s.OnPath).Select(s => s.Stage)];

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
            {
                return i;
            }
        }
        return -1;
    }
}
