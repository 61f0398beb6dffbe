using System.Globalization;
using System.Net;
using System.Text;
using static JourneyML.Core.Journeys.JourneyAnalysisText;

namespace JourneyML.Core.Journeys;

/// <summary>
/// The process analysis of a map as HTML sections with inline SVG (funnel bars with their intervals, histograms of time in
/// stage, customer-days, deviations from the design): nothing to fetch, so the page stays self-contained.
/// </summary>
public static class JourneyAnalysisHtml
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>One bar: a label, a value between 0 and the chart's maximum, an optional interval, and the text beside it.</summary>
    private sealed record Bar(string Label, double Value, double? Low, double? High, string Text, bool Faint = false);

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
        sb.Append("<h2>Funnel with conversion windows</h2><p>").Append(E(FunnelIntro(f))).Append("</p>");
        foreach (int window in f.WindowDays)
        {
            var all = f.Cells.Where(c => c.WindowDays == window && c.GroupKind == Funnels.All).ToList();
            var froms = all.Select(c => c.FromStage).Distinct().ToList();
            var tos = path.Where(p => all.Any(c => c.ToStage == p)).ToList();
            sb.Append(s_inv, $"<h3>Within {window} days</h3>");
            var bars = froms.Select(s => Next(f, path, s, window, Funnels.All, "all")).OfType<FunnelCell>()
                .Select(c => new Bar($"{c.FromStage} → {c.ToStage}", c.Share ?? 0, c.Low95, c.High95, Cell(c), c.TooSmall || c.Observed == 0)).ToList();
            sb.Append(Bars($"funnel-{window}", bars, 1));
            sb.Append(s_inv, $"<table class=\"funnel\" data-window=\"{window}\"><tr><th>entered</th><th>entries</th>");
            foreach (var t in tos)
            {
                sb.Append("<th>reached ").Append(E(t)).Append("</th>");
            }
            sb.Append("</tr>");
            foreach (var from in froms)
            {
                var row = all.Where(c => c.FromStage == from).ToList();
                sb.Append("<tr><td>").Append(E(from)).Append("</td>").Append(N(Count(row[0].Entered)));
                foreach (var t in tos)
                {
                    sb.Append(N(Cell(row.FirstOrDefault(c => c.ToStage == t))));
                }
                sb.Append("</tr>");
            }
            sb.Append("</table>");
            Groups(sb, f, path, froms, window);
        }
    }

    private static void Groups(StringBuilder sb, ConversionFunnel f, List<string> path, List<string> froms, int window)
    {
        var groups = f.Cells.Where(c => c.WindowDays == window && c.GroupKind != Funnels.All).Select(c => (c.GroupKind, c.Group)).Distinct().ToList();
        var steps = froms.Where(s => path.IndexOf(s) + 1 < path.Count).ToList();
        if (groups.Count == 0 || steps.Count == 0)
        {
            return;
        }
        sb.Append(s_inv, $"<p>Reaching the next stage (or beyond) within {window} days, per segment and per month of entry:</p><table class=\"funnel-groups\"><tr><th>group</th>");
        foreach (var s in steps)
        {
            sb.Append("<th>").Append(E($"{s} → {path[path.IndexOf(s) + 1]}")).Append("</th>");
        }
        sb.Append("</tr>");
        foreach (var (kind, group) in groups)
        {
            sb.Append("<tr><td>").Append(E($"{kind} {group}")).Append("</td>");
            foreach (var s in steps)
            {
                sb.Append(N(Cell(Next(f, path, s, window, kind, group))));
            }
            sb.Append("</tr>");
        }
        sb.Append("</table>");
    }

    private static void TimeInStage(StringBuilder sb, JourneyMap map)
    {
        sb.Append("<h2>Time in stage</h2><p>").Append(E(DurationIntro)).Append("</p><div class=\"histograms\">");
        foreach (var d in map.TimeInStage)
        {
            sb.Append(Histogram(d));
        }
        sb.Append("</div><table id=\"time-in-stage\"><tr><th>stage</th><th>finished stays</th><th>median</th><th>p90</th><th>still in at the end</th><th>their days so far (median)</th><th>median counting them</th></tr>");
        foreach (var d in map.TimeInStage)
        {
            sb.Append("<tr><td>").Append(E(d.Stage)).Append(d.OnPath ? "" : " <i>(off path)</i>").Append("</td>")
                .Append(N(Count(d.Finished.Count) + Rough(d.Finished))).Append(N(Days(d.Finished.Median))).Append(N(Days(d.Finished.P90)))
                .Append(N(Count(d.StillIn))).Append(N(Days(d.StillInMedianDaysSoFar)))
                .Append(N(d.MedianWithStillIn is { } km ? Days(km) : d.StillIn > 0 ? "more than half still in" : "–")).Append("</tr>");
        }
        sb.Append("</table>");
    }

    /// <summary>A small histogram of a stage's finished stays, the bins in days, with the still-running stays beside them in grey.</summary>
    private static string Histogram(StageDuration d)
    {
        const int width = 260, height = 150, left = 8, bottom = 118, barArea = 92;
        var bins = d.Finished.Histogram;
        int max = Math.Max(1, Math.Max(d.StillIn, bins.Count == 0 ? 0 : bins.Max(b => b.Count)));
        double step = (width - left * 2) / (double)(bins.Count + 1);
        var svg = new StringBuilder();
        svg.Append(s_inv, $"<svg class=\"histogram\" data-stage=\"{E(d.Stage)}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-size=\"10\">");
        svg.Append(s_inv, $"<text x=\"{left}\" y=\"14\" font-weight=\"bold\" font-size=\"12\">{E(d.Stage)}</text>");
        svg.Append(s_inv, $"<text x=\"{left}\" y=\"27\" fill=\"#555\">{E($"{Count(d.Finished.Count)} finished, median {Days(d.Finished.Median?.Days)}; {Count(d.StillIn)} still in")}</text>");
        for (int i = 0; i <= bins.Count; i++)
        {
            bool still = i == bins.Count;
            int count = still ? d.StillIn : bins[i].Count;
            double h = barArea * count / (double)max, x = left + i * step;
            // The upper edge alone keeps the labels apart: "7" is 0-7 days, ">365" the rest.
            string label = still ? "still" : bins[i].ToDays is { } upper ? upper.ToString("0", s_inv) : ">" + bins[i].FromDays.ToString("0", s_inv);
            string tip = still ? "still in at the end" : Bin(bins[i]);
            svg.Append(s_inv, $"<rect x=\"{x + 1:0.0}\" y=\"{bottom - h:0.0}\" width=\"{step - 2:0.0}\" height=\"{h:0.0}\" fill=\"{(still ? "#bbb" : "#4a90d9")}\"><title>{E(tip)}: {count:N0}</title></rect>");
            svg.Append(s_inv, $"<text x=\"{x + step / 2:0.0}\" y=\"{bottom + 12}\" text-anchor=\"middle\" font-size=\"9\">{E(label)}</text>");
        }
        svg.Append(s_inv, $"<text x=\"{left}\" y=\"{height - 6}\" fill=\"#555\" font-size=\"9\">days in stage, up to (bins); grey: still in at the end</text></svg>");
        return svg.ToString();
    }

    private static void Variants(StringBuilder sb, VariantSummary v)
    {
        sb.Append("<h2>Variants: the paths customers really took</h2><p>").Append(E(VariantIntro(v))).Append("</p>")
            .Append("<table id=\"variants\"><tr><th>path</th><th>customers</th><th>share</th><th>looped</th><th>median days</th></tr>");
        foreach (var variant in v.Top)
        {
            sb.Append("<tr><td>").Append(E(string.Join(" → ", variant.Stages))).Append("</td>").Append(N(Count(variant.Customers))).Append(N(Percent(variant.Share)))
                .Append(N(Loops(variant))).Append(N(Days(variant.MedianDays))).Append("</tr>");
        }
        if (v.OtherCustomers > 0)
        {
            sb.Append("<tr><td>").Append(E($"(the other {Count(v.DistinctVariants - v.Top.Count)} paths)")).Append("</td>").Append(N(Count(v.OtherCustomers)))
                .Append(N(Percent((double)v.OtherCustomers / v.Customers))).Append("<td></td><td></td></tr>");
        }
        sb.Append("</table>");
        if (v.DropOffs.Count > 0)
        {
            sb.Append("<h3>Where those who did not move forward went</h3><table id=\"drop-offs\"><tr><th>left</th><th>moves</th><th>went to</th><th>and then</th></tr>");
            foreach (var d in v.DropOffs)
            {
                sb.Append("<tr><td>").Append(E(d.Stage)).Append("</td>").Append(N(Count(d.Moves))).Append("<td>").Append(E(Destinations(d.WentTo)))
                    .Append("</td><td>").Append(E(Destinations(d.ThenWentTo))).Append("</td></tr>");
            }
            sb.Append("</table>");
        }
    }

    private static void Bottlenecks(StringBuilder sb, BottleneckSummary b)
    {
        sb.Append("<h2>Bottlenecks and rework</h2>").Append(s_inv, $"<p>Slowest moves: days in the stage before the move (95% intervals); stays already running when the timelines began have no known start and are not timed; fewer than {b.MinMoves} timed moves come last, marked rough.</p>")
            .Append("<table id=\"slowest-moves\"><tr><th>from</th><th>to</th><th>kind</th><th>moves</th><th>timed</th><th>median</th><th>p90</th></tr>");
        foreach (var e in b.SlowestMoves.Take(12))
        {
            sb.Append("<tr><td>").Append(E(e.From)).Append("</td><td>").Append(E(e.To)).Append("</td><td>").Append(E(e.Kind)).Append("</td>")
                .Append(N(Count(e.Moves))).Append(N(Count(e.TimedMoves) + (e.TooSmall ? " (rough)" : ""))).Append(N(Days(e.Median))).Append(N(Days(e.P90))).Append("</tr>");
        }
        sb.Append("</table><h3>Where time piles up</h3>");
        sb.Append(Bars("customer-days", [.. b.Stages.Select(s => new Bar(s.Stage, s.ShareOfDays, null, null, $"{s.CustomerDays:N0} customer-days ({Percent(s.ShareOfDays)})"))],
            Math.Max(0.01, b.Stages.Max(s => s.ShareOfDays))));
        sb.Append("<h3>Rework: customers who entered a stage again after leaving it</h3>");
        sb.Append(Bars("rework", [.. b.Stages.Select(s => new Bar(s.Stage, s.ReentryShare ?? 0, s.Low95, s.High95, $"{Count(s.Reentered)} of {Count(s.Customers)} ({Percent(s.ReentryShare)}, {Range(s.Low95, s.High95)})"))], 1));
    }

    private static void Conformance(StringBuilder sb, ConformanceResult c)
    {
        sb.Append("<h2>Conformance to the designed journey</h2><p id=\"conformance\">").Append(E(ConformanceHeadline(c))).Append("</p>");
        if (c.Deviations.Count == 0)
        {
            return;
        }
        var bars = new List<Bar> { new("followed the design", c.Share ?? 0, c.Low95, c.High95, $"{Count(c.Following)} of {Count(c.CustomersWhoMoved)} ({Percent(c.Share)})") };
        bars.AddRange(c.Deviations.Select(d => new Bar(d.Kind, d.ShareOfMovers, null, null, $"{Count(d.Customers)} customers, {Count(d.Moves)} moves ({Percent(d.ShareOfMovers)})")));
        sb.Append(Bars("deviations", bars, 1));
        sb.Append("<table id=\"deviating-moves\"><tr><th>move outside the design</th><th>kind</th><th>moves</th><th>customers</th></tr>");
        foreach (var m in c.TopDeviatingMoves)
        {
            sb.Append("<tr><td>").Append(E($"{m.From} → {m.To}")).Append("</td><td>").Append(E(m.Kind)).Append("</td>").Append(N(Count(m.Moves))).Append(N(Count(m.Customers))).Append("</tr>");
        }
        sb.Append("</table>");
    }

    /// <summary>Horizontal bars with optional 95% whiskers; faint bars are the rough ones.</summary>
    private static string Bars(string id, IReadOnlyList<Bar> bars, double max)
    {
        const int labelWidth = 230, barWidth = 360, rowHeight = 22, textGap = 8;
        int width = labelWidth + barWidth + 320, height = bars.Count * rowHeight + 10;
        var svg = new StringBuilder();
        svg.Append(s_inv, $"<svg id=\"{E(id)}\" class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-size=\"12\">");
        for (int i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            double y = 5 + i * rowHeight, w = barWidth * Math.Clamp(b.Value / max, 0, 1);
            svg.Append(s_inv, $"<text x=\"{labelWidth - textGap}\" y=\"{y + 15}\" text-anchor=\"end\">{E(b.Label)}</text>");
            svg.Append(s_inv, $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{w:0.0}\" height=\"{rowHeight - 7}\" fill=\"#4a90d9\" fill-opacity=\"{(b.Faint ? 0.35 : 0.9)}\"><title>{E(b.Label)}: {E(b.Text)}</title></rect>");
            if (b.Low is { } low && b.High is { } high && !double.IsNaN(low))
            {
                double x1 = labelWidth + barWidth * Math.Clamp(low / max, 0, 1), x2 = labelWidth + barWidth * Math.Clamp(high / max, 0, 1), yc = y + rowHeight / 2.0 - 1;
                svg.Append(s_inv, $"<path class=\"interval\" d=\"M{x1:0.0},{yc:0.0} H{x2:0.0} M{x1:0.0},{yc - 5:0.0} V{yc + 5:0.0} M{x2:0.0},{yc - 5:0.0} V{yc + 5:0.0}\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>");
            }
            svg.Append(s_inv, $"<text x=\"{labelWidth + barWidth + textGap}\" y=\"{y + 15}\">{E(b.Text)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string N(string text) => $"<td class=\"n\">{E(text)}</td>";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
