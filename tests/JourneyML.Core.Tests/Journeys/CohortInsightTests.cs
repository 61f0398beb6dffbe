using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.SampleData;
using JourneyML.Core.Stages;
using JourneyML.Core.Tests.SampleData;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>
/// Cohort insights on generated data where the effects are planted: support tickets drive churn (6.0 x the ticket rate
/// in the true churn model), webinars and an engaged decision-maker drive conversion. Each comparison is recounted here
/// from the raw event rows, and the cohort's planted (true) probabilities are checked to point the same way.
/// </summary>
public sealed class CohortInsightTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTime From = new(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _directory = TempFolder.Create("cohorts");

    /// <summary>
    /// The stage set this test was calibrated on: the earlier default, judged date by date, where a webinar and a download
    /// make an MQL. The default stages' exit conditions and entry rules are tuned against the planted stage paths
    /// (StagePathTests); this test checks what cohorts find, not that tuning.
    /// </summary>
    private const string WebinarMqlStages = """
        {
          "stages": [
            { "name": "Awareness", "kind": "path" },
            { "name": "Interest", "kind": "path", "when": [ [ { "signal": "content_90d", "op": ">=", "value": 3 } ] ] },
            { "name": "MQL", "kind": "path", "when": [
                [ { "signal": "lead_score", "op": ">=", "value": 0.6 } ],
                [ { "signal": "pricing_views_14d", "op": ">=", "value": 3 } ],
                [ { "signal": "webinars_90d", "op": ">=", "value": 1 }, { "signal": "downloads_90d", "op": ">=", "value": 1 } ] ] },
            { "name": "SQL", "kind": "path", "when": [ [ { "signal": "sales_touches_90d", "op": ">=", "value": 1 }, { "signal": "status", "op": "==", "value": "lead" } ] ] },
            { "name": "Opportunity", "kind": "path", "when": [ [ { "signal": "sales_touches_90d", "op": ">=", "value": 3 }, { "signal": "status", "op": "==", "value": "lead" } ] ] },
            { "name": "Customer-Onboarding", "kind": "path", "when": [ [ { "signal": "status", "op": "==", "value": "customer" } ] ] },
            { "name": "Adoption", "kind": "path", "when": [ [ { "signal": "days_as_customer", "op": ">=", "value": 60 }, { "signal": "active_days_90d", "op": ">=", "value": 12 } ] ] },
            { "name": "Renewal/Expansion", "kind": "path", "when": [ [ { "signal": "days_as_customer", "op": ">=", "value": 300 }, { "signal": "active_days_90d", "op": ">=", "value": 12 } ] ] },
            { "name": "Churned", "kind": "off-path", "when": [ [ { "signal": "status", "op": "==", "value": "churned" } ] ] },
            { "name": "Dormant", "kind": "off-path", "when": [ [ { "signal": "days_since_last_activity", "op": ">=", "value": 90 } ] ] },
            { "name": "At-risk", "kind": "off-path", "when": [ [ { "signal": "churn_risk", "op": ">=", "value": "model" } ] ] }
          ]
        }
        """;

    [Fact]
    public void Cohorts_find_the_planted_churn_and_conversion_drivers_with_counts_that_add_up()
    {
        new SampleGenerator(new GeneratorOptions { Customers = 6000, Seed = 5 }).Generate(_directory);
        var raw = GeneratedDataset.Load(_directory);
        var dataset = Dataset.Open(_directory, new ValidationReport());
        var events = EventTimeline.Build(dataset);
        var stages = StageModel.Parse(WebinarMqlStages, "cohort stages", [.. FeatureNames.Definitions.Select(d => d.Name)]);
        var history = StageHistory.Build(events, stages, From.AddDays(-90), To, 7);
        var cohorts = Cohorts.Build(events, stages, history, From, To);
        foreach (var c in cohorts)
        {
            output.WriteLine($"{c.Stage,-20} {c.Cohort,-24} {c.CustomersWithOutcome,4} of {c.Customers,-5} against {c.OtherCustomersWithOutcome,4} of {c.OtherCustomers,-5} {c.Ratio:0.00}{(c.Significant ? "" : " (chance)")}");
        }
        Assert.All(cohorts, c => Assert.True(c.Customers >= JourneyInsights.MinimumCustomers && c.OtherCustomers >= JourneyInsights.MinimumCustomers));
        var truth = raw.GroundTruth.ToDictionary(g => g.CustomerId);

        // Tickets drive churn: customers with 3+ tickets, or an escalated one, early in a customer stage churn at least twice
        // as often (since former customers wind down before they cancel, the history's churners show it mostly through
        // escalations; the cohort with the most customers among the significant ones is the one read)...
        var tickets = cohorts.Where(c => c.Cohort is "tickets-3" or "escalated-ticket" && c.Significant).MaxBy(c => c.Customers)!;
        Assert.NotNull(tickets);
        Assert.Equal("churn", tickets.Outcome);
        Assert.True(tickets.Ratio >= 2, $"{tickets.Cohort} in {tickets.Stage}: {tickets.Ratio:0.00}x");
        // ... the counts are those a recount from the raw rows gives, and the cohort's true churn risk is higher too.
        var (inCohort, rest) = tickets.Cohort == "tickets-3"
            ? Recount(raw, history, tickets, churn: true, e => e.Type is "ticket_opened" or "ticket_escalated", atLeast: 3)
            : Recount(raw, history, tickets, churn: true, e => e.Type == "ticket_escalated", atLeast: 1);
        Assert.Equal((tickets.Customers, tickets.CustomersWithOutcome), (inCohort.Count, inCohort.Count(x => x.Outcome)));
        Assert.Equal((tickets.OtherCustomers, tickets.OtherCustomersWithOutcome), (rest.Count, rest.Count(x => x.Outcome)));
        double Mean(IEnumerable<(string Id, bool Outcome)> group, Func<GroundTruthRow, double?> p) => group.Select(x => p(truth[x.Id])).OfType<double>().Average();
        Assert.True(Mean(inCohort, t => t.ChurnProbability) > 1.5 * Mean(rest, t => t.ChurnProbability));

        // Webinars drive conversion: leads who attend one early in a lead stage move on more often, and truly convert more often.
        var webinar = cohorts.Where(c => c.Cohort == "webinar" && c.Significant).MaxBy(c => c.Ratio)!;
        Assert.NotNull(webinar);
        Assert.Equal("move on", webinar.Outcome);
        Assert.True(webinar.Ratio >= 1.5, $"webinar in {webinar.Stage}: {webinar.Ratio:0.00}x");
        (inCohort, rest) = Recount(raw, history, webinar, churn: false, e => e.Type == "webinar_attended", atLeast: 1);
        Assert.Equal((webinar.Customers, webinar.CustomersWithOutcome, webinar.OtherCustomers, webinar.OtherCustomersWithOutcome),
            (inCohort.Count, inCohort.Count(x => x.Outcome), rest.Count, rest.Count(x => x.Outcome)));
        Assert.True(Mean(inCohort, t => t.ConversionProbability) > Mean(rest, t => t.ConversionProbability));

        // An engaged decision-maker is worth +0.8 on the log-odds of converting: opportunities with one close more often.
        var decisionMaker = cohorts.Single(c => c.Stage == "Opportunity" && c.Cohort == "decision-maker-engaged");
        Assert.True(decisionMaker.Significant && decisionMaker.Ratio >= 1.5, $"decision-maker engaged in Opportunity: {decisionMaker.Ratio:0.00}x");

        // In words, ranked with the other insights by the customers they concern.
        var map = JourneyMap.Build(stages, history, From, To) with { Cohorts = cohorts };
        var insights = JourneyInsights.From(map, max: 100);
        var said = insights.Single(i => i.Kind == "cohort" && i.Text.StartsWith($"Customers who entered {tickets.Stage} and {Cohorts.Default.Single(d => d.Name == tickets.Cohort).Words} churn within 90 days", StringComparison.Ordinal));
        output.WriteLine(said.Text);
        Assert.Contains($"{tickets.Ratio!.Value:0.0}x as often ({tickets.CustomersWithOutcome} of {tickets.Customers}, ", said.Text);
        Assert.Equal(tickets.Customers, said.Customers);
        Assert.Contains(insights, i => i.Kind == "cohort" && i.Text.StartsWith("Leads who entered Opportunity and had a decision-maker of their account engaged in their first 30 days there reach Customer-Onboarding or beyond within 90 days", StringComparison.Ordinal));
        // Comparisons that chance explains stay out of the insights.
        Assert.All(cohorts.Where(c => !c.Significant), c => Assert.DoesNotContain(insights, i => i.Kind == "cohort" && i.Text.Contains($"entered {c.Stage} and {c.Words} ", StringComparison.Ordinal)));
        Assert.Equal(insights.OrderByDescending(i => i.Customers).Select(i => i.Text), insights.Select(i => i.Text));
    }

    [Fact]
    public void Bad_cohort_definitions_are_refused_with_the_reason()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var events = EventTimeline.Build(dataset, withChannels: false);
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var history = new Dictionary<string, IReadOnlyList<StageStay>>();
        var tooLong = new CohortDefinition("long", "logged in", CohortSide.Customers, [EventKind.Login], 120, 1);
        Assert.Contains("between 1 and the horizon", Assert.Throws<InvalidInputException>(() => Cohorts.Build(events, stages, history, From, To, definitions: [tooLong])).Message);
        var noEvents = new CohortDefinition("none", "did", CohortSide.Leads, [], 30, 1);
        Assert.Contains("name the event types", Assert.Throws<InvalidInputException>(() => Cohorts.Build(events, stages, history, From, To, definitions: [noEvents])).Message);
        var backwards = new CohortDefinition("range", "logged in", CohortSide.Leads, [EventKind.Login], 30, 3, 1);
        Assert.Contains("no range", Assert.Throws<InvalidInputException>(() => Cohorts.Build(events, stages, history, From, To, definitions: [backwards])).Message);
        // A window shorter than the horizon leaves no entry with its outcome known: no cohorts rather than half-known ones.
        Assert.Empty(Cohorts.Build(events, stages, StageHistory.Build(events, stages, From, To, 14), To.AddDays(-60), To));
    }

    /// <summary>
    /// The comparison recounted from the raw rows: first entries into the stage in [from, to - 90 days]; the behaviour in
    /// the first 30 days (a lead's only while still in the stage); customers who churned within them left out; the outcome
    /// within 90 days of entering.
    /// </summary>
    private static (List<(string Id, bool Outcome)> InCohort, List<(string Id, bool Outcome)> Others) Recount(GeneratedDataset raw,
        IReadOnlyDictionary<string, IReadOnlyList<StageStay>> history, CohortComparison comparison, bool churn, Func<EventRow, bool> counts, int atLeast)
    {
        string[] path = ["Awareness", "Interest", "MQL", "SQL", "Opportunity", "Customer-Onboarding", "Adoption", "Renewal/Expansion"];
        var inCohort = new List<(string, bool)>();
        var rest = new List<(string, bool)>();
        foreach (var (id, stays) in history)
        {
            int i = stays.ToList().FindIndex(s => s.Stage == comparison.Stage && s.EnteredAt >= From && s.EnteredAt <= To.AddDays(-90));
            if (i < 0)
            {
                continue;
            }
            var entry = stays[i].EnteredAt;
            var reached = stays.Skip(i + 1).FirstOrDefault(s => churn ? s.Stage == "Churned" : Array.IndexOf(path, s.Stage) > Array.IndexOf(path, comparison.Stage))?.EnteredAt;
            var behaviourEnd = entry.AddDays(30);
            if (churn && reached <= behaviourEnd)
            {
                continue;
            }
            if (!churn && stays[i].LeftAt < behaviourEnd)
            {
                behaviourEnd = stays[i].LeftAt!.Value;
            }
            int n = raw.EventsByCustomer[id].Count(e => counts(e) && e.OccurredAt >= entry && e.OccurredAt < behaviourEnd);
            (n >= atLeast ? inCohort : rest).Add((id, reached <= entry.AddDays(90)));
        }
        return (inCohort, rest);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
