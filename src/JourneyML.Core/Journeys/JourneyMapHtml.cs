using System.Globalization;
using System.Net;
using System.Text;

namespace JourneyML.Core.Journeys;

/// <summary>
/// The journey map as one self-contained page (no scripts, fonts or links to fetch: it opens offline): the flow between
/// stages drawn in SVG (<see cref="JourneyFlowHtml"/>), the insights, the stage table, the touchpoints and the cohorts.
/// </summary>
public static class JourneyMapHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(JourneyMap map)
    {
        var sb = new StringBuilder();
        Head(sb, map);
        sb.Append("<h1>").Append(E(Title(map))).Append("</h1>");
        Kpis(sb, map.Kpis);
        sb.Append("<h2>Flow between stages</h2>").Append(JourneyFlowHtml.Render(map));
        EmptyStages(sb, map);
        ChangesSincePrevious(sb, map);
        Insights(sb, map);
        StageTable(sb, map);
        TouchpointTable(sb, map);
        sb.Append(InterventionTouchpointsText.Html(map));
        CohortTable(sb, map);
        TopPaths(sb, map);
        StageRules(sb, map);
        sb.Append(JourneyAnalysisHtml.Render(map));
        MilestoneSection(sb, map);
        sb.Append("</body></html>");
        return sb.ToString();
    }

    /// <summary>The stages in use, each with its rule and why, and where they came from.</summary>
    private static void StageRules(StringBuilder sb, JourneyMap map)
    {
        if (map.StageRules.Count == 0)
        {
            return;
        }
        sb.Append("<h2>The stages and why they are there</h2><ul id=\"stage-notes\">");
        foreach (var note in map.Notes)
        {
            sb.Append("<li>").Append(E(note)).Append("</li>");
        }
        sb.Append("</ul><table id=\"stage-rules\"><tr><th>stage</th><th>when</th><th>why</th></tr>");
        foreach (var stage in map.StageRules)
        {
            sb.Append("<tr><td>").Append(E(stage.Stage)).Append(stage.OnPath ? "" : " (off path)").Append("</td><td>").Append(E(stage.Rule))
                .Append("</td><td>").Append(E(stage.Why ?? "")).Append("</td></tr>");
        }
        sb.Append("</table>");
    }

    private static void Head(StringBuilder sb, JourneyMap map) =>
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(Title(map))).Append("</title><style>")
            .Append("body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:24px;color:#222;max-width:1200px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
            .Append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}th{background:#f3f5f8}")
            .Append(".kpi{display:inline-block;margin:0 24px 8px 0}.note{color:#555;font-size:13px}.kpi b{display:block;font-size:20px}li{margin:4px 0}")
            .Append("</style></head><body>");

    private static void Kpis(StringBuilder sb, JourneyKpis k)
    {
        sb.Append("<div class=\"kpis\">")
            .Append(Kpi("customers", k.Customers.ToString("N0", Inv)))
            .Append(Kpi("churned by the end", P(k.ChurnRate)))
            .Append(Kpi("dormant", P(k.DormantShare)))
            .Append(Kpi("median days to customer", k.MedianDaysFirstStageToCustomer is { } d ? d.ToString("0", Inv) : "–"));
        foreach (var (step, rate) in k.StageConversion)
        {
            sb.Append(Kpi(step, P(rate)));
        }
        sb.Append("</div>");
    }

    private static void ChangesSincePrevious(StringBuilder sb, JourneyMap map)
    {
        if (map.ComparedWith is { } previous)
        {
            sb.Append("<h2>What changed since the map to ").Append(previous.ToString("yyyy-MM-dd", Inv)).Append("</h2><ul id=\"changes\">");
            foreach (var change in map.Changes.DefaultIfEmpty("nothing moved by more than 3 points or 10%"))
            {
                sb.Append("<li>").Append(E(change)).Append("</li>");
            }
            sb.Append("</ul>");
        }
    }

    private static void EmptyStages(StringBuilder sb, JourneyMap map)
    {
        if (JourneyMapMarkdown.EmptyStagesSentence(map) is { } sentence)
        {
            sb.Append("<p id=\"empty-stages\">").Append(E(sentence)).Append("</p>");
        }
    }

    private static void Insights(StringBuilder sb, JourneyMap map)
    {
        if (map.Insights.Count > 0)
        {
            sb.Append("<h2>Insights</h2><p class=\"note\">").Append(E(JourneyMapMarkdown.AssociationNote)).Append("</p><ol id=\"insights\">");
            foreach (var insight in map.Insights)
            {
                sb.Append("<li>").Append(E(insight.Text)).Append("</li>");
            }
            sb.Append("</ol>");
        }
    }

    private static void StageTable(StringBuilder sb, JourneyMap map)
    {
        sb.Append("<h2>Stages</h2><table id=\"stages\"><tr><th>stage</th><th>now</th><th>entries</th><th>moved on</th><th>dropped off</th><th>went back</th>")
            .Append("<th>median days</th><th>p90 days</th><th>stuck past p90</th><th>tickets / customer</th><th>avg churn risk</th><th>avg lead score</th></tr>");
        foreach (var s in map.Stages.Where(JourneyMapMarkdown.Drawn))
        {
            sb.Append("<tr><td>").Append(E(s.Stage)).Append(s.OnPath ? "" : " <i>(off path)</i>").Append("</td>")
                .Append(N(s.CustomersNow.ToString("N0", Inv))).Append(N(s.Entries.ToString("N0", Inv))).Append(N(P(s.ConversionToNext)))
                .Append(N(P(s.DropOffRate))).Append(N(s.BackwardMovesOut.ToString("N0", Inv))).Append(N(D(s.MedianDaysInStage))).Append(N(D(s.P90DaysInStage)))
                .Append(N(s.StuckLongerThanP90.ToString("N0", Inv))).Append(N(s.TicketsPerCustomer is { } t ? t.ToString("0.0", Inv) : "–"))
                .Append(N(P(s.AverageChurnRisk))).Append(N(P(s.AverageLeadScore))).Append("</tr>");
        }
        sb.Append("</table>");
        TimeToChurnTable(sb, map);
    }

    /// <summary>Each stage's expected time to churn with the shares behind it and how many paying customers it stands on (as the Markdown lists it).</summary>
    private static void TimeToChurnTable(StringBuilder sb, JourneyMap map)
    {
        var stages = map.Stages.Where(s => JourneyMapMarkdown.Drawn(s) && s.ExpectedTimeToChurn is not null).ToList();
        if (stages.Count == 0)
        {
            return;
        }
        sb.Append("<h2>Expected time to churn</h2><p class=\"note\">Of each stage's paying customers now: where the mean of their survival curves crosses one half. ")
            .Append(E($"Fewer than {JourneyMapMarkdown.FewForTimeToChurn} paying customers are too few to read much into.")).Append("</p>")
            .Append("<table id=\"time-to-churn\"><tr><th>stage</th><th>expected time to churn</th><th>churned within 30 days</th><th>churned within 180 days</th><th>paying customers</th></tr>");
        foreach (var s in stages)
        {
            sb.Append("<tr><td>").Append(E(s.Stage)).Append("</td><td>").Append(E(s.ExpectedTimeToChurn!)).Append("</td>")
                .Append(N(P(s.ChurnWithin30Days))).Append(N(P(s.ChurnWithin180Days)))
                .Append(N(s.CustomersWithTimeToChurn.ToString("N0", Inv) + (s.CustomersWithTimeToChurn < JourneyMapMarkdown.FewForTimeToChurn ? " (too few)" : ""))).Append("</tr>");
        }
        sb.Append("</table>");
    }

    private static void TouchpointTable(StringBuilder sb, JourneyMap map)
    {
        if (map.Touchpoints.Count > 0)
        {
            sb.Append("<h2>Touchpoints</h2><p class=\"note\">").Append(E(JourneyMapMarkdown.TouchpointNote)).Append("</p>")
                .Append("<table id=\"touchpoints\"><tr><th>stage</th><th>kind</th><th>touchpoint</th><th>customers</th><th>forward stays with it</th><th>other stays with it</th><th>lift (95% interval)</th></tr>");
            foreach (var t in map.Touchpoints)
            {
                sb.Append("<tr><td>").Append(E(t.Stage)).Append("</td><td>").Append(t.Kind).Append("</td><td>").Append(E(t.Name)).Append("</td>")
                    .Append(N(t.Customers.ToString("N0", Inv))).Append(N($"{t.AdvancingWith:N0} of {t.AdvancingStays:N0}")).Append(N($"{t.OtherWith:N0} of {t.OtherStays:N0}"))
                    .Append(N(JourneyMapMarkdown.LiftText(t))).Append("</tr>");
            }
            sb.Append("</table>");
        }
    }

    private static void CohortTable(StringBuilder sb, JourneyMap map)
    {
        if (map.Cohorts.Count > 0)
        {
            sb.Append("<h2>Cohorts</h2><p>Those who entered a stage, by what they did in their first days there, against the rest; \"chance\" marks a difference groups this small show by chance.</p>")
                .Append("<table id=\"cohorts\"><tr><th>stage</th><th>who</th><th>outcome</th><th>with it</th><th>the rest</th><th>ratio</th></tr>");
            foreach (var c in map.Cohorts)
            {
                sb.Append("<tr><td>").Append(E(c.Stage)).Append("</td><td>").Append(E(c.Words)).Append("</td><td>").Append(E(JourneyMapMarkdown.CohortOutcome(c))).Append("</td>")
                    .Append(N($"{c.CustomersWithOutcome:N0} of {c.Customers:N0} ({P(c.Rate)})")).Append(N($"{c.OtherCustomersWithOutcome:N0} of {c.OtherCustomers:N0} ({P(c.OtherRate)})"))
                    .Append(N((c.Ratio is { } r ? r.ToString("0.0", Inv) + "x" : "–") + (c.Significant ? "" : " (chance)"))).Append("</tr>");
            }
            sb.Append("</table>");
        }
    }

    private static void TopPaths(StringBuilder sb, JourneyMap map)
    {
        sb.Append("<h2>Paths customers really took</h2><ol>");
        foreach (var path in map.TopPaths)
        {
            sb.Append("<li>").Append(E(string.Join(" → ", path.Stages))).Append(": ").Append(path.Customers.ToString("N0", Inv)).Append("</li>");
        }
        sb.Append("</ol>");
    }

    /// <summary>The milestones' directly-follows graph, drawn, and its edges as a table.</summary>
    private static void MilestoneSection(StringBuilder sb, JourneyMap map)
    {
        if (map.Milestones is not { } g)
        {
            return;
        }
        sb.Append("<h2>Milestones: what directly follows what</h2><p class=\"note\">").Append(E(JourneyMapMarkdown.MilestoneSummary(g))).Append("</p>");
        if (g.Edges.Count == 0)
        {
            return;
        }
        sb.Append(MilestoneSvg(g));
        sb.Append("<table id=\"milestone-edges\"><tr><th>from</th><th>to</th><th>times</th><th>median time</th><th>p90 time</th></tr>");
        foreach (var e in g.Edges.Take(JourneyMapMarkdown.MilestoneEdgesShown))
        {
            sb.Append("<tr><td>").Append(E(g.Label(e.From))).Append("</td><td>").Append(E(g.Label(e.To))).Append("</td>").Append(N(e.Count.ToString("N0", Inv)))
                .Append(N(JourneyMapMarkdown.Duration(e.MedianDays))).Append(N(JourneyMapMarkdown.Duration(e.P90Days))).Append("</tr>");
        }
        sb.Append("</table>");
    }

    /// <summary>Milestones as boxes in a row (in the order of a journey: sign-up, lead funnel, purchase, renewal, cancellation, tickets); edges as arcs, later milestones above, earlier below, repeats as loops.</summary>
    private static string MilestoneSvg(MilestoneGraph g)
    {
        const int boxWidth = 104, boxHeight = 44, gap = 22, top = 190, height = 400;
        int width = Math.Max(g.Activities.Count, 1) * (boxWidth + gap) + gap;
        var x = new Dictionary<string, double>(StringComparer.Ordinal);
        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg id=\"milestones\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-size=\"11\">");
        svg.Append("<defs><marker id=\"dfg-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#6c3483\"/></marker></defs>");
        int maxEvents = Math.Max(1, g.Activities.Max(a => a.Events));
        for (int i = 0; i < g.Activities.Count; i++)
        {
            var a = g.Activities[i];
            double left = gap + i * (boxWidth + gap);
            x[a.Name] = left + boxWidth / 2.0;
            svg.Append(Inv, $"<g class=\"milestone\" data-milestone=\"{E(a.Name)}\"><rect x=\"{left}\" y=\"{top}\" width=\"{boxWidth}\" height=\"{boxHeight}\" rx=\"6\" fill=\"#8e44ad\" fill-opacity=\"{0.2 + 0.6 * a.Events / maxEvents:0.00}\" stroke=\"#4a235a\"/>");
            svg.Append(Inv, $"<text x=\"{left + boxWidth / 2}\" y=\"{top + 18}\" text-anchor=\"middle\" font-weight=\"bold\">{E(a.Name.Replace('_', ' '))}</text>");
            svg.Append(Inv, $"<text x=\"{left + boxWidth / 2}\" y=\"{top + 34}\" text-anchor=\"middle\">{a.Events:N0}</text>");
            if (a.TheirNames.Count > 0)
            {
                svg.Append(Inv, $"<text x=\"{left + boxWidth / 2}\" y=\"{top + boxHeight + 14}\" text-anchor=\"middle\" fill=\"#555\">{E(string.Join(", ", a.TheirNames))}</text>");
            }
            svg.Append("</g>");
        }
        var drawn = g.Edges.Take(JourneyMapMarkdown.MilestoneEdgesShown).ToList();
        int maxCount = Math.Max(1, drawn.Count == 0 ? 1 : drawn.Max(e => e.Count));
        var labelled = drawn.Take(8).ToHashSet();
        foreach (var e in drawn)
        {
            double x1 = x[e.From], x2 = x[e.To], stroke = 1 + 6.0 * e.Count / maxCount;
            bool later = x2 > x1;
            string d;
            double labelX, labelY;
            if (e.From == e.To)
            {
                // A repeat (renewal after renewal, ticket after ticket): a loop over the box.
                d = string.Format(Inv, "M{0:0},{1:0} C{2:0},{3:0} {4:0},{3:0} {5:0},{1:0}", x1 - 14, top, x1 - 30, top - 46, x1 + 30, x1 + 14);
                (labelX, labelY) = (x1, top - 40);
            }
            else
            {
                double arc = 30 + 16 * Math.Abs(x2 - x1) / (boxWidth + gap);
                double y = later ? top : top + boxHeight;
                double control = later ? y - Math.Min(arc, top - 20) : y + Math.Min(arc, height - top - boxHeight - 20);
                d = string.Format(Inv, "M{0:0},{1:0} C{0:0},{2:0} {3:0},{2:0} {3:0},{1:0}", x1 + (later ? 8 : -8), y, control, x2 + (later ? -8 : 8));
                (labelX, labelY) = ((x1 + x2) / 2, later ? y - 0.75 * (y - control) - 3 : y + 0.75 * (control - y) + 12);
            }
            var tip = $"{e.From} → {e.To}: {e.Count:N0} times, median {JourneyMapMarkdown.Duration(e.MedianDays)}";
            svg.Append(Inv, $"<path class=\"dfg-edge\" d=\"{d}\" fill=\"none\" stroke=\"#6c3483\" stroke-width=\"{stroke:0.0}\" stroke-opacity=\"0.55\" marker-end=\"url(#dfg-arrow)\"><title>{E(tip)}</title></path>");
            if (labelled.Contains(e))
            {
                svg.Append(Inv, $"<text class=\"dfg-label\" x=\"{labelX:0}\" y=\"{labelY:0}\" text-anchor=\"middle\" fill=\"#4a235a\">{e.Count:N0} · {E(JourneyMapMarkdown.Duration(e.MedianDays))}</text>");
            }
        }
        svg.Append(Inv, $"<text x=\"{gap}\" y=\"16\" fill=\"#555\">Arcs above: to a milestone further right; below: back to one further left; loops: a repeat. Width: how often; labels: times · median time between.</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Title(JourneyMap map) =>
        $"Journey map{(map.Segment is null ? "" : ": " + Subject(map.Segment))}, {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd}";

    /// <summary>Who the map is about: "segment 3 Evaluators", "account A00001".</summary>
    internal static string Subject(string segment) => segment.StartsWith("account ", StringComparison.Ordinal) ? segment : "segment " + segment;

    private static string Kpi(string label, string value) => $"<span class=\"kpi\"><b>{E(value)}</b>{E(label)}</span>";

    private static string N(string text) => $"<td class=\"n\">{E(text)}</td>";

    private static string P(double? v) => v is { } x ? x.ToString("0%", Inv) : "–";

    private static string D(double? v) => v is { } x ? x.ToString("0", Inv) : "–";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
