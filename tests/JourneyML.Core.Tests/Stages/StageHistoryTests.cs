using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Stages;

public sealed class StageHistoryTests(ITestOutputHelper output)
{
    private static readonly DateTime From = new(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 6, 24, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Timelines_are_rebuilt_from_the_events_with_backward_moves_kept()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        var history = StageHistory.Build(dataset, stages, From, To, stepDays: 14);
        Assert.Equal(2000, history.Count);
        var order = stages.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i);
        int backward = 0, converted = 0, churned = 0;
        foreach (var (id, stays) in history)
        {
            // A timeline is contiguous: each stay ends when the next begins; only the last is open.
            for (int i = 1; i < stays.Count; i++)
            {
                Assert.Equal(stays[i - 1].LeftAt, stays[i].EnteredAt);
                Assert.NotEqual(stays[i - 1].Stage, stays[i].Stage);
            }
            Assert.Null(stays[^1].LeftAt);
            for (int i = 1; i < stays.Count; i++)
            {
                if (order.TryGetValue(stays[i - 1].Stage, out int a) && order.TryGetValue(stays[i].Stage, out int b) && b < a)
                {
                    backward++;
                }
            }
            converted += stays.Any(s => s.Stage is "MQL" or "SQL" or "Opportunity") && stays.Any(s => s.Stage == "Customer-Onboarding") ? 1 : 0;
            churned += stays[^1].Stage == "Churned" ? 1 : 0;
        }
        output.WriteLine($"backward moves {backward}, leads who became customers {converted}, churned by the end {churned}");
        Assert.True(backward > 20, "journeys are not linear: the generator plants lost opportunities and recycled leads");
        Assert.True(converted > 20);
        Assert.True(churned > 100);
    }

    [Fact]
    public void An_empty_window_or_step_is_refused()
    {
        var dataset = Dataset.Open(Samples.Sample, new ValidationReport());
        var stages = StageModel.Default([.. FeatureNames.Definitions.Select(d => d.Name)]);
        Assert.Throws<InvalidInputException>(() => StageHistory.Build(dataset, stages, To, From));
        Assert.Throws<ArgumentOutOfRangeException>(() => StageHistory.Build(dataset, stages, From, To, stepDays: 0));
    }
}
