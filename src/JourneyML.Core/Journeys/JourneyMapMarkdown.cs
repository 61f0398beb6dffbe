using System.Globalization;
using System.Text;

namespace JourneyML.Core.Journeys;

/// <summary>The journey map as Markdown, for pasting into a wiki or a ticket.</summary>
public static class JourneyMapMarkdown
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static string Render(JourneyMap map)
    {
        var sb = new StringBuilder();
        Headline(sb, map);
        ChangesSincePrevious(sb, map);
        Insights(sb, map);
        StageTable(sb, map);
        StageConversion(sb, map);
        Moves(sb, map);
        TouchpointTable(sb, map);
        CohortTable(sb, map);
        TopPaths(sb, map);
        StageRules(sb, map);
        sb.AppendLine().Append(JourneyAnalysisMarkdown.Render(map));
        return sb.ToString();
    }

    /// <summary>The stages in use, each with its rule and why, and where they came from.</summary>
    private static void StageRules(StringBuilder sb, JourneyMap map)
    {
        if (map.StageRules.Count == 0)
        {
            return;
        }
        sb.AppendLine("## The stages and why they are there");
        sb.AppendLine();
        foreach (var note in map.Notes)
        {
            sb.AppendLine(s_inv, $"- {Escape(note)}");
        }
        sb.AppendLine();
        foreach (var stage in map.StageRules)
        {
            sb.AppendLine(s_inv, $"- **{Escape(stage.Stage)}**{(stage.OnPath ? "" : " (off path)")}: {Escape(stage.Rule)}{(stage.Why is { } why ? ". Why: " + Escape(why) : "")}");
        }
        sb.AppendLine();
    }

    private static string Percent(double? v) => v is { } x ? x.ToString("0%", s_inv) : "–";
    private static string Days(double? v) => v is { } x ? x.ToString("0", s_inv) + " d" : "–";
    private static string OneDecimal(double? v) => v is { } x ? x.ToString("0.0", s_inv) : "–";

    private static void Headline(StringBuilder sb, JourneyMap map)
    {
        sb.AppendLine(s_inv, $"# Journey map{(map.Segment is null ? "" : ": " + Escape(JourneyMapHtml.Subject(map.Segment)))}, {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd}");
        sb.AppendLine();
        var k = map.Kpis;
        sb.AppendLine(s_inv, $"{k.Customers:N0} customers. Churned by the end: {Percent(k.ChurnRate)}. Dormant: {Percent(k.DormantShare)}. " +
            $"Median time from first stage to customer: {Days(k.MedianDaysFirstStageToCustomer)}.");
        sb.AppendLine();
    }

    private static void ChangesSincePrevious(StringBuilder sb, JourneyMap map)
    {
        if (map.ComparedWith is { } previous)
        {
            sb.AppendLine(s_inv, $"## What changed since the map to {previous:yyyy-MM-dd}");
            sb.AppendLine();
            foreach (var change in map.Changes.DefaultIfEmpty("nothing moved by more than 3 points or 10%"))
            {
                sb.AppendLine(s_inv, $"- {Escape(change)}");
            }
            sb.AppendLine();
        }
    }

    private static void Insights(StringBuilder sb, JourneyMap map)
    {
        if (map.Insights.Count > 0)
        {
            sb.AppendLine("## Insights (most customers first)");
            sb.AppendLine();
            foreach (var insight in map.Insights)
            {
                sb.AppendLine(s_inv, $"- {Escape(insight.Text)}");
            }
            sb.AppendLine();
        }
    }

    private static void StageTable(StringBuilder sb, JourneyMap map)
    {
        Table(sb, null,
            "| stage | now | entries | moved on | dropped off | went back | median time | p90 time | stuck past p90 | tickets / customer (30 d) | avg churn risk | avg lead score |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            map.Stages, s => string.Create(s_inv, $"| {Escape(s.Stage)}{(s.OnPath ? "" : " (off path)")} | {s.CustomersNow:N0} | {s.Entries:N0} | {Percent(s.ConversionToNext)} | {Percent(s.DropOffRate)} | {s.BackwardMovesOut:N0} | {Days(s.MedianDaysInStage)} | {Days(s.P90DaysInStage)} | {s.StuckLongerThanP90:N0} | {OneDecimal(s.TicketsPerCustomer)} | {Percent(s.AverageChurnRisk)} | {Percent(s.AverageLeadScore)} |"));
    }

    private static void StageConversion(StringBuilder sb, JourneyMap map)
    {
        sb.AppendLine("## Stage conversion");
        sb.AppendLine();
        foreach (var (step, rate) in map.Kpis.StageConversion)
        {
            sb.AppendLine(s_inv, $"- {Escape(step)}: {Percent(rate)}");
        }
        sb.AppendLine();
    }

    private static void Moves(StringBuilder sb, JourneyMap map)
    {
        Table(sb, "## Moves between stages (most common first; ↩ marks a move back)",
            "| from | to | customers |",
            "|---|---|---:|",
            map.Transitions.Take(20), t => string.Create(s_inv, $"| {Escape(t.From)} | {(t.Backward ? "↩ " : "")}{Escape(t.To)} | {t.Customers:N0} |"));
    }

    private static void TouchpointTable(StringBuilder sb, JourneyMap map)
    {
        if (map.Touchpoints.Count > 0)
        {
            Table(sb, "## Touchpoints by stage (customers who met it there; share of stays that moved forward with it against those that did not)",
                "| stage | kind | touchpoint | customers | forward stays with it | other stays with it | lift |",
                "|---|---|---|---:|---:|---:|---:|",
                map.Touchpoints, t => string.Create(s_inv, $"| {Escape(t.Stage)} | {t.Kind} | {Escape(t.Name)} | {t.Customers:N0} | {t.AdvancingWith:N0} of {t.AdvancingStays:N0} | {t.OtherWith:N0} of {t.OtherStays:N0} | {(t.Lift is { } l ? l.ToString("0.0", s_inv) + "x" : "–")} |"));
        }
    }

    private static void CohortTable(StringBuilder sb, JourneyMap map)
    {
        if (map.Cohorts.Count > 0)
        {
            Table(sb, "## Cohorts (those who entered a stage, by what they did in their first days there, against the rest)",
                "| stage | who | outcome | with it | the rest | ratio |",
                "|---|---|---|---:|---:|---:|",
                map.Cohorts, c => string.Create(s_inv, $"| {Escape(c.Stage)} | {Escape(c.Words)} | {CohortOutcome(c)} | {c.CustomersWithOutcome:N0} of {c.Customers:N0} ({Percent(c.Rate)}) | {c.OtherCustomersWithOutcome:N0} of {c.OtherCustomers:N0} ({Percent(c.OtherRate)}) | {(c.Ratio is { } r ? r.ToString("0.0", s_inv) + "x" : "–")}{(c.Significant ? "" : " (chance)")} |"));
        }
    }

    /// <summary>An optional heading and a table: its header, its alignment row, and one line a row.</summary>
    private static void Table<T>(StringBuilder sb, string? heading, string header, string alignment, IEnumerable<T> rows, Func<T, string> line)
    {
        if (heading is not null)
        {
            sb.AppendLine(heading);
            sb.AppendLine();
        }
        sb.AppendLine(header);
        sb.AppendLine(alignment);
        foreach (var row in rows)
        {
            sb.AppendLine(line(row));
        }
        sb.AppendLine();
    }

    private static void TopPaths(StringBuilder sb, JourneyMap map)
    {
        sb.AppendLine("## Paths customers really took");
        sb.AppendLine();
        foreach (var p in map.TopPaths)
        {
            sb.AppendLine(s_inv, $"- {string.Join(" → ", p.Stages.Select(Escape))}: {p.Customers:N0}");
        }
    }

    /// <summary>What a cohort is compared on, in words: "churn within 90 days", "reach SQL or beyond within 90 days".</summary>
    internal static string CohortOutcome(CohortComparison c) => c.Outcome == "churn"
        ? $"churn within {c.HorizonDays} days"
        : $"reach {c.NextStage ?? "a later stage"}{(c.NextStage is null ? "" : " or beyond")} within {c.HorizonDays} days";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
