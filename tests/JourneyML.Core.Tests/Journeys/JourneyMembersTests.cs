using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>The customers behind a map's figures: every list has as many customers as the figure it opens from.</summary>
public sealed class JourneyMembersTests
{
    private static readonly StageModel Stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
    private static DateTime D(int month, int day) => new(2026, month, day, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Lists_who_is_in_a_stage_who_is_stuck_and_who_made_a_move_in_the_window()
    {
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>
        {
            ["a"] = [new("MQL", D(1, 1), D(1, 15)), new("SQL", D(1, 15), D(2, 1)), new("MQL", D(2, 1), D(2, 15)), new("SQL", D(2, 15), null)],
            ["b"] = [new("MQL", D(1, 1), D(2, 1)), new("SQL", D(2, 1), null)],
            ["c"] = [new("MQL", D(1, 1), D(1, 8)), new("SQL", D(1, 8), D(1, 20)), new("Dormant", D(1, 20), null)],
            // Outside the window altogether: in no list.
            ["old"] = [new("MQL", D(1, 1), D(1, 2)), new("Dormant", D(1, 2), D(1, 3)), new("Churned", D(1, 3), D(1, 4))],
        };
        var map = JourneyMap.Build(Stages, timelines, D(1, 5), D(6, 1));
        var members = new JourneyMembers(map, timelines, customers: null);
        StageMetrics M(string stage) => map.Stages.Single(s => s.Stage == stage);

        Assert.Equal(["a", "b"], members.InStage("SQL").Select(m => m.CustomerId).Order());
        Assert.Equal(M("SQL").CustomersNow, members.InStage("SQL").Count);
        Assert.Equal(D(2, 1), members.InStage("SQL")[0].Since); // b, the longest in SQL, first
        // a went SQL -> MQL once in the window; MQL -> SQL twice (a) and once each (b, c): four moves by three customers.
        Assert.Equal(["a"], members.TookMove("SQL", "MQL").Select(m => m.CustomerId));
        Assert.Equal(4, members.MovesMade("MQL", "SQL"));
        var took = members.TookMove("MQL", "SQL");
        Assert.Equal(3, took.Count);
        Assert.Equal(D(2, 15), took.Single(m => m.CustomerId == "a").Since); // a's latest move
        Assert.Empty(members.TookMove("Dormant", "Churned")); // made before the window
        foreach (var s in map.Stages.Where(s => s.P90DaysInStage is not null))
        {
            Assert.Equal(s.StuckLongerThanP90, members.Stuck(s.Stage).Count);
        }
        Assert.Empty(members.InStage("Churned")); // "old" is not on the map
    }

    [Fact]
    public void On_the_sample_every_stage_and_move_lists_as_many_customers_as_its_figure()
    {
        var dataset = Dataset.Open(Samples.Path("ja-export"), new ValidationReport());
        var to = dataset.DataAsOf.Date;
        var history = StageHistory.Build(dataset, Stages, to.AddDays(-270), to, stepDays: 14);
        var segment = history.Keys.Where((_, i) => i % 2 == 0).ToHashSet(StringComparer.Ordinal);
        var map = JourneyMap.Build(Stages, history, to.AddDays(-180), to, segment);
        var members = new JourneyMembers(map, history, segment);
        Assert.True(map.Stages.Count(s => s.CustomersNow > 0) >= 3);
        foreach (var s in map.Stages)
        {
            Assert.Equal(s.CustomersNow, members.InStage(s.Stage).Count);
            Assert.Equal(s.StuckLongerThanP90, members.Stuck(s.Stage).Count);
            Assert.All(members.InStage(s.Stage), m => Assert.Contains(m.CustomerId, segment));
        }
        Assert.NotEmpty(map.Transitions);
        foreach (var t in map.Transitions)
        {
            var took = members.TookMove(t.From, t.To);
            Assert.InRange(took.Count, 1, t.Customers);
        }
    }
}
