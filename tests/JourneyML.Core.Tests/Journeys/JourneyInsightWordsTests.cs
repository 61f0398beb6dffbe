using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>What a person reads in the insights of a product-led map: the export's own event names, no tautology at the path's end.</summary>
public sealed class JourneyInsightWordsTests
{
    private static readonly DateTime s_start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>60 customers in Renewal/Expansion (the default path's last stage): 30 stay, 30 go Dormant.</summary>
    private static JourneyMap LastStageMap()
    {
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var timelines = new Dictionary<string, IReadOnlyList<StageStay>>();
        for (int i = 0; i < 60; i++)
        {
            timelines[$"c{i}"] = i < 30
                ? [new("Adoption", s_start, s_start.AddDays(10)), new("Renewal/Expansion", s_start.AddDays(10), null)]
                : [new("Adoption", s_start, s_start.AddDays(10)), new("Renewal/Expansion", s_start.AddDays(10), s_start.AddDays(40)), new("Dormant", s_start.AddDays(40), null)];
        }
        return JourneyMap.Build(stages, timelines, s_start, s_start.AddDays(120)) with
        {
            Touchpoints = [Touchpoint.Of("Adoption", "action", "other", 40, 40, 35, 20, 5, definesExit: false)],
        };
    }

    [Fact]
    public void Leaving_the_paths_last_stage_is_counted_without_a_share_that_is_true_by_definition()
    {
        var insights = JourneyInsights.From(LastStageMap());
        var drop = Assert.Single(insights, i => i.Kind == "drop-off");
        Assert.Equal("30 customers left Renewal/Expansion, the path's last stage, for a stage off the path (at risk, dormant or churned)", drop.Text);
        Assert.DoesNotContain(insights, i => i.Text.Contains("100% of those leaving", StringComparison.Ordinal));
    }

    [Fact]
    public void An_event_of_no_journeyml_type_is_named_as_the_export_names_it()
    {
        var named = JourneyInsights.From(LastStageMap(), otherTypes: ["project_created"]);
        Assert.Contains(named, i => i.Kind == "touchpoint" && i.Text.StartsWith("In Adoption, customers with an event of no JourneyML type (project_created) move forward", StringComparison.Ordinal));
        // Without the export's names (a map built from numbers alone) the words stay general.
        Assert.Contains(JourneyInsights.From(LastStageMap()), i => i.Kind == "touchpoint" && i.Text.Contains("an unmapped event", StringComparison.Ordinal));
    }
}
