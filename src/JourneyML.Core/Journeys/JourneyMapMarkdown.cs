using System.Globalization;
using System.Text;

namespace JourneyML.Core.Journeys;

/// <summary>The journey map as Markdown, for pasting into a wiki or a ticket.</summary>
public static class JourneyMapMarkdown
{
    public static string Render(JourneyMap map)
    {
        var inv = CultureInfo.InvariantCulture;
        string P(double? v) => v is { } x ? x.ToString("0%", inv) : "–";
        string D(double? v) => v is { } x ? x.ToString("0", inv) + " d" : "–";
        string N(double? v) => v is { } x ? x.ToString("0.0", inv) : "–";
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# Journey map{(map.Segment is null ? "" : ": " + Escape(JourneyMapHtml.Subject(map.Segment)))}, {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd}");
        sb.AppendLine();
        var k = map.Kpis;
        sb.AppendLine(inv, $"{k.Customers:N0} customers. Churned by the end: {P(k.ChurnRate)}. Dormant: {P(k.DormantShare)}. " +
            $"Median time from first stage to customer: {D(k.MedianDaysFirstStageToCustomer)}.");
        sb.AppendLine();
        if (map.ComparedWith is { } previous)
        {
            sb.AppendLine(inv, $"## What changed since the map to {previous:yyyy-MM-dd}");
            sb.AppendLine();
            foreach (var change in map.Changes.DefaultIfEmpty("nothing moved by more than 3 points or 10%"))
            {
                sb.AppendLine(inv, $"- {Escape(change)}");
            }
            sb.AppendLine();
        }
        if (map.Insights.Count > 0)
        {
            sb.AppendLine("## Insights (most customers first)");
            sb.AppendLine();
            foreach (var insight in map.Insights)
            {
                sb.AppendLine(inv, $"- {Escape(insight.Text)}");
            }
            sb.AppendLine();
        }
        sb.AppendLine("| stage | now | entries | moved on | dropped off | went back | median time | p90 time | stuck past p90 | tickets / customer (30 d) | avg churn risk | avg lead score |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in map.Stages)
        {
            sb.AppendLine(inv, $"| {Escape(s.Stage)}{(s.OnPath ? "" : " (off path)")} | {s.CustomersNow:N0} | {s.Entries:N0} | {P(s.ConversionToNext)} | {P(s.DropOffRate)} | {s.BackwardMovesOut:N0} | {D(s.MedianDaysInStage)} | {D(s.P90DaysInStage)} | {s.StuckLongerThanP90:N0} | {N(s.TicketsPerCustomer)} | {P(s.AverageChurnRisk)} | {P(s.AverageLeadScore)} |");
        }
        sb.AppendLine();
        sb.AppendLine("## Stage conversion");
        sb.AppendLine();
        foreach (var (step, rate) in k.StageConversion)
        {
            sb.AppendLine(inv, $"- {Escape(step)}: {P(rate)}");
        }
        sb.AppendLine();
        sb.AppendLine("## Moves between stages (most common first; ↩ marks a move back)");
        sb.AppendLine();
        sb.AppendLine("| from | to | customers |");
        sb.AppendLine("|---|---|---:|");
        foreach (var t in map.Transitions.Take(20))
        {
            sb.AppendLine(inv, $"| {Escape(t.From)} | {(t.Backward ? "↩ " : "")}{Escape(t.To)} | {t.Customers:N0} |");
        }
        sb.AppendLine();
        if (map.Touchpoints.Count > 0)
        {
            sb.AppendLine("## Touchpoints by stage (customers who met it there; share of stays that moved forward with it against those that did not)");
            sb.AppendLine();
            sb.AppendLine("| stage | kind | touchpoint | customers | forward stays with it | other stays with it | lift |");
            sb.AppendLine("|---|---|---|---:|---:|---:|---:|");
            foreach (var t in map.Touchpoints)
            {
                sb.AppendLine(inv, $"| {Escape(t.Stage)} | {t.Kind} | {Escape(t.Name)} | {t.Customers:N0} | {t.AdvancingWith:N0} of {t.AdvancingStays:N0} | {t.OtherWith:N0} of {t.OtherStays:N0} | {(t.Lift is { } l ? l.ToString("0.0", inv) + "x" : "–")} |");
            }
            sb.AppendLine();
        }
        if (map.Cohorts.Count > 0)
        {
            sb.AppendLine("## Cohorts (those who entered a stage, by what they did in their first days there, against the rest)");
            sb.AppendLine();
            sb.AppendLine("| stage | who | outcome | with it | the rest | ratio |");
            sb.AppendLine("|---|---|---|---:|---:|---:|");
            foreach (var c in map.Cohorts)
            {
                sb.AppendLine(inv, $"| {Escape(c.Stage)} | {Escape(c.Words)} | {CohortOutcome(c)} | {c.CustomersWithOutcome:N0} of {c.Customers:N0} ({P(c.Rate)}) | {c.OtherCustomersWithOutcome:N0} of {c.OtherCustomers:N0} ({P(c.OtherRate)}) | {(c.Ratio is { } r ? r.ToString("0.0", inv) + "x" : "–")}{(c.Significant ? "" : " (chance)")} |");
            }
            sb.AppendLine();
        }
        sb.AppendLine("## Paths customers really took");
        sb.AppendLine();
        foreach (var p in map.TopPaths)
        {
            sb.AppendLine(inv, $"- {string.Join(" → ", p.Stages.Select(Escape))}: {p.Customers:N0}");
        }
        return sb.ToString();
    }

    /// <summary>What a cohort is compared on, in words: "churn within 90 days", "reach SQL or beyond within 90 days".</summary>
    internal static string CohortOutcome(CohortComparison c) => c.Outcome == "churn"
        ? $"churn within {c.HorizonDays} days"
        : $"reach {c.NextStage ?? "a later stage"}{(c.NextStage is null ? "" : " or beyond")} within {c.HorizonDays} days";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
