using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

public sealed class JourneyMapTests(ITestOutputHelper output)
{
    private static readonly StageModel Stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
    private static DateTime D(int month, int day) => new(2026, month, day, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Stage_metrics_count_entries_moves_drop_offs_and_backward_moves()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            // MQL -> SQL -> back to MQL -> SQL -> Opportunity -> customer: a loop, then on.
            ["a"] = [new("MQL", D(1, 1), D(1, 15)), new("SQL", D(1, 15), D(2, 1)), new("MQL", D(2, 1), D(2, 15)), new("SQL", D(2, 15), D(3, 1)),
                     new("Opportunity", D(3, 1), D(3, 15)), new("Customer-Onboarding", D(3, 15), null)],
            // MQL -> SQL, still there.
            ["b"] = [new("MQL", D(1, 1), D(2, 1)), new("SQL", D(2, 1), null)],
            // MQL, gone dormant.
            ["c"] = [new("MQL", D(1, 1), D(3, 1)), new("Dormant", D(3, 1), null)],
        };
        var current = new Dictionary<string, CustomerSignals>
        {
            ["a"] = new(2, 0.2f, float.NaN), ["b"] = new(0, float.NaN, 0.5f), ["c"] = new(4, 0.6f, float.NaN),
        };
        var map = JourneyMap.Build(Stages, timelines, D(1, 1), D(6, 1), current: current);
        StageMetrics M(string stage) => map.Stages.Single(s => s.Stage == stage);
        Assert.Equal(4, M("MQL").Entries);            // a twice, b, c
        Assert.Equal(3, M("MQL").MovedToNext);        // a twice, b
        Assert.Equal(1, M("MQL").DroppedOff);         // c
        Assert.Equal(0.75, M("MQL").ConversionToNext);
        Assert.Equal(1, M("SQL").BackwardMovesOut);   // a went back to MQL
        Assert.Equal(1, M("SQL").CustomersNow);       // b
        Assert.Equal(1, M("Dormant").CustomersNow);
        Assert.Contains(map.Transitions, t => t is { From: "SQL", To: "MQL", Customers: 1, Backward: true });
        Assert.Equal(0.75, map.Kpis.StageConversion["MQL → SQL"]);
        Assert.Equal(73, map.Kpis.MedianDaysFirstStageToCustomer); // a: Jan 1 to Mar 15
        Assert.Equal(1 / 3.0, map.Kpis.DormantShare!.Value, 6);
        Assert.Equal(3, map.TopPaths.Sum(p => p.Customers));
        Assert.Equal(4, M("Dormant").TicketsPerCustomer);               // friction of who is there now
        Assert.Equal(0.5, M("SQL").AverageLeadScore!.Value, 6);
        Assert.Null(M("SQL").AverageChurnRisk);                          // leads have no churn risk
    }

    [Fact]
    public void The_sample_journey_map_shows_the_funnel_and_the_way_back()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var history = StageHistory.Build(dataset, Stages, D(1, 1).AddMonths(-3), D(6, 24), stepDays: 14);
        var map = JourneyMap.Build(Stages, history, D(1, 1), D(6, 24));
        foreach (var s in map.Stages)
        {
            output.WriteLine($"{s.Stage,-20} now {s.CustomersNow,5} entries {s.Entries,5} next {s.ConversionToNext:P0} drop {s.DropOffRate:P0} median {s.MedianDaysInStage} d");
        }
        Assert.Equal(2000, map.Kpis.Customers);
        Assert.True(map.Kpis.ChurnRate > 0.05);
        Assert.Contains(map.Transitions, t => t.Backward);
        Assert.Contains(map.Transitions, t => t.From == "Opportunity" && t.To == "Customer-Onboarding");
        Assert.All(map.Stages.Where(s => s.ConversionToNext is not null), s => Assert.InRange(s.ConversionToNext!.Value, 0, 1));
        Assert.True(map.TopPaths.Count > 3);
        Assert.Null(map.Stages.Single(s => s.Stage == "Renewal/Expansion").ConversionToNext); // the last path stage has no next
        var json = map.ToJson();
        Assert.Contains("\"stages\"", json);
        Assert.Contains("\"transitions\"", json);
        Assert.Contains("\"conversionToNext\"", json);
    }
}

public sealed class TouchpointTests
{
    [Fact]
    public void Touchpoints_count_customers_per_stage_and_compare_stays_that_moved_forward_with_the_rest()
    {
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 6, 24, 0, 0, 0, DateTimeKind.Utc);
        var history = StageHistory.Build(dataset, stages, from.AddDays(-90), to, stepDays: 14);
        var touchpoints = Touchpoints.Build(dataset, stages, history, from, to);
        Assert.NotEmpty(touchpoints);
        foreach (var t in touchpoints)
        {
            Assert.InRange(t.AdvancingWith, 0, t.AdvancingStays);
            Assert.InRange(t.OtherWith, 0, t.OtherStays);
            Assert.True(t.Customers <= t.AdvancingWith + t.OtherWith, $"{t.Stage} {t.Name}: customers are counted per stay");
            if (t.Lift is { } lift)
            {
                Assert.Equal(t.AdvancingWith / (double)t.AdvancingStays / (t.OtherWith / (double)t.OtherStays), lift, 9);
            }
        }
        // Customers log in after they buy: logins are the most common action among onboarding customers.
        var onboarding = touchpoints.Where(t => t.Stage == "Customer-Onboarding" && t.Kind == "action").ToList();
        Assert.Equal("login", onboarding.MaxBy(t => t.Customers)!.Name);
        Assert.Contains(touchpoints, t => t.Kind == "channel");
    }
}

public sealed class JourneyInsightTests
{
    [Fact]
    public void Insights_come_from_the_numbers_ranked_by_customers_and_small_groups_are_left_out()
    {
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>();
        for (int i = 0; i < 60; i++)
        {
            // 60 leads: 40 move on from MQL to SQL, 20 go dormant.
            timelines[$"c{i}"] = i < 40
                ? [new("MQL", start, start.AddDays(20)), new("SQL", start.AddDays(20), null)]
                : [new("MQL", start, start.AddDays(30)), new("Dormant", start.AddDays(30), null)];
        }
        var map = JourneyMap.Build(stages, timelines, start, start.AddDays(120)) with
        {
            Touchpoints =
            [
                Touchpoint.Of("MQL", "action", "webinar_attended", 35, 40, 30, 20, 5, definesExit: false),
                Touchpoint.Of("MQL", "action", "download", 4, 40, 3, 20, 1, definesExit: false), // too few to say anything
                // The purchase that makes a lead a customer "goes with moving on" by definition: never an insight.
                Touchpoint.Of("MQL", "action", "purchase", 30, 40, 30, 20, 2, definesExit: true),
            ],
        };
        var overallTimelines = timelines.ToDictionary(t => t.Key, t => t.Value);
        for (int i = 0; i < 60; i++)
        {
            overallTimelines[$"o{i}"] = [new StageStay("MQL", start, start.AddDays(25)), new StageStay("Dormant", start.AddDays(25), null)];
        }
        var segmentMap = map with { Segment = "evaluators" };
        var overall = JourneyMap.Build(stages, overallTimelines, start, start.AddDays(120));
        var insights = JourneyInsights.From(segmentMap, overall);
        Assert.Contains(insights, i => i.Kind == "touchpoint" && i.Text.StartsWith("In MQL, customers with a webinar attended move forward 3.0x as often (95% interval 1.4x-6.5x; 30 of 40 forward stays against 5 of 20 others): an association, not a cause", StringComparison.Ordinal));
        Assert.DoesNotContain(insights, i => i.Text.Contains("purchase", StringComparison.Ordinal));
        Assert.DoesNotContain(insights, i => i.Text.Contains("download", StringComparison.Ordinal));
        Assert.Contains(insights, i => i.Kind == "drop-off" && i.Text.StartsWith("33% of those leaving MQL leave the path", StringComparison.Ordinal));
        Assert.Contains(insights, i => i.Kind == "segment" && i.Text == "MQL → SQL conversion is 67% in segment 'evaluators' against 33% overall");
        Assert.Equal(insights.OrderByDescending(i => i.Customers).Select(i => i.Text), insights.Select(i => i.Text));
    }
}

public sealed class JourneyChangeTests
{
    [Fact]
    public void A_map_written_where_one_was_before_says_what_changed_and_keeps_the_earlier_one()
    {
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        IReadOnlyDictionary<string, IReadOnlyList<StageStay>> Timelines(int forward) => Enumerable.Range(0, 100).ToDictionary(i => $"c{i}",
            i => (IReadOnlyList<StageStay>)(i < forward
                ? [new("MQL", start, start.AddDays(10)), new("SQL", start.AddDays(10), null)]
                : [new("MQL", start, start.AddDays(10)), new("Dormant", start.AddDays(10), null)]));
        var dir = TempFolder.Create("maps");
        var first = JourneyMap.Build(stages, Timelines(30), start, start.AddDays(60)).Write(dir);
        Assert.Null(first.ComparedWith);
        var second = JourneyMap.Build(stages, Timelines(60), start, start.AddDays(90)).Write(dir);
        Assert.Equal(start.AddDays(60), second.ComparedWith);
        Assert.Contains("MQL → SQL conversion up from 30% to 60%", second.Changes);
        Assert.Contains("SQL grew from 30 to 60 customers", second.Changes);
        Assert.Contains("Dormant shrank from 70 to 40 customers", second.Changes);
        Assert.True(File.Exists(Path.Combine(dir, $"journey-map-{start.AddDays(60):yyyyMMdd}.json")));
        Assert.Contains("What changed since the map to", File.ReadAllText(Path.Combine(dir, "journey-map.md")));
        Assert.Contains("id=\"changes\"", File.ReadAllText(Path.Combine(dir, "journey-map.html")));
    }
}

public sealed class DefiningEventTests
{
    [Fact]
    public void The_events_that_define_leaving_a_stage_come_from_the_rules_of_the_stages_it_can_move_on_to()
    {
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var masks = DefiningEvents.Masks(stages);
        bool Defines(string stage, EventKind kind) => DefiningEvents.Defines(masks[stages.Names.ToList().IndexOf(stage)], kind);
        Assert.True(Defines("MQL", EventKind.Purchase));           // a purchase makes a lead a customer
        Assert.True(Defines("MQL", EventKind.MeetingBooked));      // sales touches make an SQL
        Assert.True(Defines("Interest", EventKind.PricingPageView)); // 3 pricing views in 14 days make an MQL
        Assert.True(Defines("Adoption", EventKind.Cancellation));  // a cancellation makes a customer churned
        Assert.False(Defines("Opportunity", EventKind.MeetingBooked)); // an Opportunity leaves by a purchase, not by more meetings
        Assert.False(Defines("Adoption", EventKind.Renewal));
        Assert.False(Defines("Adoption", EventKind.TicketOpened));
        Assert.False(Defines("SQL", EventKind.WebinarAttended));
    }
}
