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
        Reactivations(sb, map);
        TouchpointTable(sb, map);
        sb.Append(InterventionTouchpointsText.Markdown(map));
        CohortTable(sb, map);
        TopPaths(sb, map);
        StageRules(sb, map);
        sb.AppendLine().Append(JourneyAnalysisMarkdown.Render(map));
        Milestones(sb, map);
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
            sb.AppendLine(AssociationNote);
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
        if (EmptyStagesSentence(map) is { } empty)
        {
            sb.AppendLine(Escape(empty));
            sb.AppendLine();
        }
        Table(sb, null,
            "| stage | now | entries | moved on | dropped off | went back | median time | p90 time | stuck past p90 | tickets / customer (30 d) | avg churn risk | avg lead score |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            map.Stages.Where(Drawn), s => string.Create(s_inv, $"| {Escape(s.Stage)}{(s.OnPath ? "" : " (off path)")} | {s.CustomersNow:N0} | {s.Entries:N0} | {Percent(s.ConversionToNext)} | {Percent(s.DropOffRate)} | {s.BackwardMovesOut:N0} | {Days(s.MedianDaysInStage)} | {Days(s.P90DaysInStage)} | {s.StuckLongerThanP90:N0} | {OneDecimal(s.TicketsPerCustomer)} | {Percent(s.AverageChurnRisk)} | {Percent(s.AverageLeadScore)} |"));
        TimeToChurnLines(sb, map);
    }

    /// <summary>The expected time to churn of each stage's paying customers (from the survival curves), when the champion has them.</summary>
    private static void TimeToChurnLines(StringBuilder sb, JourneyMap map)
    {
        var stages = map.Stages.Where(s => Drawn(s) && s.ExpectedTimeToChurn is not null).ToList();
        if (stages.Count == 0)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine("Expected time to churn of each stage's paying customers now (where the mean of their survival curves crosses one half):");
        sb.AppendLine();
        foreach (var s in stages)
        {
            sb.AppendLine(s_inv, $"- {Escape(s.Stage)}: {s.ExpectedTimeToChurn} ({TimeToChurnBasis(s)})");
        }
    }

    /// <summary>"12% within 30 days, 48% within 180; 120 paying customers": what a stage's expected time to churn stands on.</summary>
    internal static string TimeToChurnBasis(StageMetrics s) =>
        string.Create(s_inv, $"{Percent(s.ChurnWithin30Days)} within 30 days, {Percent(s.ChurnWithin180Days)} within 180; {s.CustomersWithTimeToChurn:N0} paying {(s.CustomersWithTimeToChurn == 1 ? "customer" : "customers")}")
        + (s.CustomersWithTimeToChurn < FewForTimeToChurn ? ": too few to read much into" : "");

    /// <summary>Below this many paying customers a stage's mean curve is a handful of customers' curves, said so beside it.</summary>
    internal const int FewForTimeToChurn = 20;

    /// <summary>Whether a stage is drawn and tabled: someone was in it during the window.</summary>
    internal static bool Drawn(StageMetrics s) => s.CustomersInWindow > 0 || s.CustomersNow > 0 || s.Entries > 0;

    /// <summary>The stages nobody was in during the window, in one sentence; null when there are none.</summary>
    internal static string? EmptyStagesSentence(JourneyMap map)
    {
        var empty = map.Stages.Where(s => !Drawn(s)).Select(s => s.Stage).ToList();
        return empty.Count == 0 ? null
            : $"Nobody was in {string.Join(", ", empty)} during the window: {(empty.Count == 1 ? "it is" : "they are")} listed here, not drawn.";
    }

    /// <summary>What a lift is, said on every page that shows one.</summary>
    internal const string AssociationNote =
        "Lifts and ratios are associations, not causes: customers who do something may differ in other ways from those who do not. Each is shown with its counts and a 95% interval; touchpoints whose event defines leaving the stage (a purchase for a lead, a cancellation, sales touches for an SQL) are marked and never ranked.";

    internal const string TouchpointNote =
        "Lift: the share of forward stays with the touchpoint over the share of other stays with it (an association, not a cause), with its 95% interval. \"defines leaving\": its event is what moves a customer out of the stage, so its lift is true by definition. A channel counts only the events that do not define leaving the stage.";

    /// <summary>"1.6x (1.3x-2.0x)", "defines leaving", "–".</summary>
    internal static string LiftText(Touchpoint t) =>
        t.DefinesExit ? "defines leaving"
            : t.Lift is not { } l ? "–"
            : l.ToString("0.0", s_inv) + "x" + (t.LiftLow is { } low && t.LiftHigh is { } high ? $" ({low.ToString("0.0", s_inv)}x-{high.ToString("0.0", s_inv)}x)" : "");

    private static void Reactivations(StringBuilder sb, JourneyMap map)
    {
        var back = map.Transitions.Where(t => t.Kind is MoveKinds.Reactivation or MoveKinds.BackOnPath).ToList();
        if (back.Count > 0)
        {
            sb.AppendLine("## Back on the path");
            sb.AppendLine();
            foreach (var t in back)
            {
                sb.AppendLine(s_inv, $"- {Escape(t.From)} → {Escape(t.To)}: {t.Customers:N0} {(t.Kind == MoveKinds.Reactivation ? "reactivations" : "came back")}");
            }
            sb.AppendLine();
        }
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
            map.Transitions.Take(20), t => string.Create(s_inv, $"| {Escape(t.From)} | {(t.Backward ? "↩ " : "")}{Escape(t.To)} | {t.Customers:N0}{(t.Kind == MoveKinds.Reactivation ? " reactivations" : "")} |"));
    }

    private static void TouchpointTable(StringBuilder sb, JourneyMap map)
    {
        if (map.Touchpoints.Count > 0)
        {
            Table(sb, "## Touchpoints by stage (customers who met it there; share of stays that moved forward with it against those that did not)\n\n" + TouchpointNote,
                "| stage | kind | touchpoint | customers | forward stays with it | other stays with it | lift (95% interval) |",
                "|---|---|---|---:|---:|---:|---:|",
                map.Touchpoints, t => string.Create(s_inv, $"| {Escape(t.Stage)} | {t.Kind} | {Escape(t.Name)} | {t.Customers:N0} | {t.AdvancingWith:N0} of {t.AdvancingStays:N0} | {t.OtherWith:N0} of {t.OtherStays:N0} | {LiftText(t)} |"));
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

    /// <summary>How many of the milestone graph's edges the pages draw and table (the JSON has them all).</summary>
    internal const int MilestoneEdgesShown = 25;

    /// <summary>"3.5 d", "5 h", "0 min": the time between two milestones.</summary>
    internal static string Duration(double days) =>
        days >= 1 ? days.ToString(days >= 10 ? "0" : "0.0", s_inv) + " d"
            : days * 24 >= 1 ? (days * 24).ToString("0", s_inv) + " h"
            : (days * 24 * 60).ToString("0", s_inv) + " min";

    internal static string MilestoneSummary(MilestoneGraph g) => g.Customers == 0
        ? "No milestone event (sign-up, trial, purchase, renewal, cancellation, form, webinar, meeting, opportunity, ticket) in the window."
        : string.Create(s_inv, $"{g.Events:N0} milestone events of {g.Customers:N0} customers in the window, in {g.VariantCount:N0} distinct sequences; each edge: how often one milestone came right after another for the same customer, and the median and p90 time between them.");

    private static void Milestones(StringBuilder sb, JourneyMap map)
    {
        if (map.Milestones is not { } g)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine("## Milestones: what directly follows what");
        sb.AppendLine();
        sb.AppendLine(MilestoneSummary(g));
        sb.AppendLine();
        if (g.Edges.Count == 0)
        {
            return;
        }
        Table(sb, null, "| from | to | times | median time | p90 time |", "|---|---|---:|---:|---:|",
            g.Edges.Take(MilestoneEdgesShown), e => string.Create(s_inv, $"| {Escape(g.Label(e.From))} | {Escape(g.Label(e.To))} | {e.Count:N0} | {Duration(e.MedianDays)} | {Duration(e.P90Days)} |"));
        sb.AppendLine(string.Create(s_inv, $"First milestone: {string.Join(", ", g.Start.OrderByDescending(x => x.Value).Select(x => $"{Escape(x.Key)} {x.Value:N0}"))}. Last: {string.Join(", ", g.End.OrderByDescending(x => x.Value).Select(x => $"{Escape(x.Key)} {x.Value:N0}"))}."));
        sb.AppendLine();
        foreach (var v in g.TopVariants.Take(5))
        {
            sb.AppendLine(string.Create(s_inv, $"- {string.Join(" → ", v.Milestones.Select(Escape))}: {v.Customers:N0}"));
        }
    }

    /// <summary>What a cohort is compared on, in words: "churn within 90 days", "reach SQL or beyond within 90 days".</summary>
    internal static string CohortOutcome(CohortComparison c) => c.Outcome == "churn"
        ? $"churn within {c.HorizonDays} days"
        : $"reach {c.NextStage ?? "a later stage"}{(c.NextStage is null ? "" : " or beyond")} within {c.HorizonDays} days";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
