using System.Text;
using static JourneyML.Core.Journeys.JourneyAnalysisText;

namespace JourneyML.Core.Journeys;

/// <summary>The process analysis of a map in Markdown: funnels, time in stage, variants, drop-offs, bottlenecks, conformance.</summary>
public static class JourneyAnalysisMarkdown
{
    public static string Render(JourneyMap map)
    {
        var sb = new StringBuilder();
        if (map.Funnel.Cells.Count > 0)
        {
            Funnel(sb, map);
        }
        if (map.TimeInStage.Count > 0)
        {
            TimeInStage(sb, map);
        }
        if (map.Variants.Customers > 0)
        {
            Variants(sb, map.Variants);
        }
        if (map.Bottlenecks.Stages.Count > 0)
        {
            Bottlenecks(sb, map.Bottlenecks);
        }
        if (map.Conformance.Customers > 0)
        {
            Conformance(sb, map.Conformance);
        }
        return sb.ToString();
    }

    private static void Funnel(StringBuilder sb, JourneyMap map)
    {
        var f = map.Funnel;
        var path = Path(map);
        sb.AppendLine("## Funnel with conversion windows").AppendLine().AppendLine(FunnelIntro(f)).AppendLine();
        foreach (int window in f.WindowDays)
        {
            var all = f.Cells.Where(c => c.WindowDays == window && c.GroupKind == Funnels.All).ToList();
            var froms = all.Select(c => c.FromStage).Distinct().ToList();
            var tos = path.Where(p => all.Any(c => c.ToStage == p)).ToList();
            sb.AppendLine($"### Within {window} days").AppendLine();
            sb.AppendLine("| entered | entries | " + string.Join(" | ", tos.Select(t => "reached " + Escape(t))) + " |");
            sb.AppendLine("|---|---:|" + string.Concat(tos.Select(_ => "---:|")));
            foreach (var from in froms)
            {
                var row = all.Where(c => c.FromStage == from).ToList();
                sb.AppendLine($"| {Escape(from)} | {Count(row[0].Entered)} | " + string.Join(" | ", tos.Select(t => Cell(row.FirstOrDefault(c => c.ToStage == t)))) + " |");
            }
            sb.AppendLine();
            Groups(sb, f, path, froms, window);
        }
    }

    /// <summary>Conversion to the next stage per segment and per month of entry.</summary>
    private static void Groups(StringBuilder sb, ConversionFunnel f, List<string> path, List<string> froms, int window)
    {
        var groups = f.Cells.Where(c => c.WindowDays == window && c.GroupKind != Funnels.All).Select(c => (c.GroupKind, c.Group)).Distinct().ToList();
        var steps = froms.Where(s => path.IndexOf(s) + 1 < path.Count).ToList();
        if (groups.Count == 0 || steps.Count == 0)
        {
            return;
        }
        sb.AppendLine($"Reaching the next stage (or beyond) within {window} days, per segment and per month of entry:").AppendLine();
        sb.AppendLine("| group | " + string.Join(" | ", steps.Select(s => Escape($"{s} → {path[path.IndexOf(s) + 1]}"))) + " |");
        sb.AppendLine("|---|" + string.Concat(steps.Select(_ => "---:|")));
        foreach (var (kind, group) in groups)
        {
            sb.AppendLine($"| {kind} {Escape(group)} | " + string.Join(" | ", steps.Select(s => Cell(Next(f, path, s, window, kind, group)))) + " |");
        }
        sb.AppendLine();
    }

    private static void TimeInStage(StringBuilder sb, JourneyMap map)
    {
        sb.AppendLine("## Time in stage").AppendLine().AppendLine(DurationIntro).AppendLine();
        var bins = map.TimeInStage[0].Finished.Histogram;
        sb.AppendLine("| stage | finished stays | median | p90 | still in at the end | their days so far (median) | median counting them | " + string.Join(" | ", bins.Select(Bin)) + " |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|" + string.Concat(bins.Select(_ => "---:|")));
        foreach (var d in map.TimeInStage)
        {
            sb.AppendLine($"| {Escape(d.Stage)}{(d.OnPath ? "" : " (off path)")} | {Count(d.Finished.Count)}{Rough(d.Finished)} | {Days(d.Finished.Median)} | {Days(d.Finished.P90)} | " +
                $"{Count(d.StillIn)} | {Days(d.StillInMedianDaysSoFar)} | {(d.MedianWithStillIn is { } km ? Days(km) : d.StillIn > 0 ? "more than half still in" : "–")} | " +
                string.Join(" | ", d.Finished.Histogram.Select(b => Count(b.Count))) + " |");
        }
        sb.AppendLine();
    }

    private static void Variants(StringBuilder sb, VariantSummary v)
    {
        sb.AppendLine("## Variants: the paths customers really took").AppendLine().AppendLine(VariantIntro(v)).AppendLine();
        sb.AppendLine("| path | customers | share | looped | median days |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var variant in v.Top)
        {
            sb.AppendLine($"| {Escape(string.Join(" → ", variant.Stages))} | {Count(variant.Customers)} | {Percent(variant.Share)} | {Loops(variant)} | {Days(variant.MedianDays)} |");
        }
        if (v.OtherCustomers > 0)
        {
            sb.AppendLine($"| (the other {Count(v.DistinctVariants - v.Top.Count)} paths) | {Count(v.OtherCustomers)} | {Percent((double)v.OtherCustomers / v.Customers)} | | |");
        }
        sb.AppendLine();
        if (v.DropOffs.Count > 0)
        {
            sb.AppendLine("### Where those who did not move forward went").AppendLine();
            sb.AppendLine("| left | moves | went to | and then |").AppendLine("|---|---:|---|---|");
            foreach (var d in v.DropOffs)
            {
                sb.AppendLine($"| {Escape(d.Stage)} | {Count(d.Moves)} | {Escape(Destinations(d.WentTo))} | {Escape(Destinations(d.ThenWentTo))} |");
            }
            sb.AppendLine();
        }
    }

    private static void Bottlenecks(StringBuilder sb, BottleneckSummary b)
    {
        sb.AppendLine("## Bottlenecks and rework").AppendLine();
        sb.AppendLine($"Slowest moves (days in the stage before the move, 95% intervals; stays already running when the timelines began have no known start and are not timed; fewer than {b.MinMoves} timed moves come last, marked rough):").AppendLine();
        sb.AppendLine("| from | to | kind | moves | timed | median | p90 |").AppendLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var e in b.SlowestMoves.Take(12))
        {
            sb.AppendLine($"| {Escape(e.From)} | {Escape(e.To)} | {e.Kind} | {Count(e.Moves)} | {Count(e.TimedMoves)}{(e.TooSmall ? " (rough)" : "")} | {Days(e.Median)} | {Days(e.P90)} |");
        }
        sb.AppendLine().AppendLine("Where time piles up (customer-days in the window) and rework (customers who entered a stage again after leaving it):").AppendLine();
        sb.AppendLine("| stage | customer-days | share of all | customers | re-entered | share (95%) |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in b.Stages)
        {
            sb.AppendLine($"| {Escape(s.Stage)} | {s.CustomerDays:N0} | {Percent(s.ShareOfDays)} | {Count(s.Customers)} | {Count(s.Reentered)} | {Percent(s.ReentryShare)} ({Range(s.Low95, s.High95)}) |");
        }
        sb.AppendLine();
    }

    private static void Conformance(StringBuilder sb, ConformanceResult c)
    {
        sb.AppendLine("## Conformance to the designed journey").AppendLine().AppendLine(ConformanceHeadline(c)).AppendLine();
        if (c.Deviations.Count > 0)
        {
            sb.AppendLine("| deviation | moves | customers | share of those who moved |").AppendLine("|---|---:|---:|---:|");
            foreach (var d in c.Deviations)
            {
                sb.AppendLine($"| {d.Kind} | {Count(d.Moves)} | {Count(d.Customers)} | {Percent(d.ShareOfMovers)} |");
            }
            sb.AppendLine().AppendLine("| move outside the design | kind | moves | customers |").AppendLine("|---|---|---:|---:|");
            foreach (var m in c.TopDeviatingMoves)
            {
                sb.AppendLine($"| {Escape(m.From)} → {Escape(m.To)} | {m.Kind} | {Count(m.Moves)} | {Count(m.Customers)} |");
            }
            sb.AppendLine();
        }
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
