using JourneyML.Core.Scoring;
using C = JourneyML.Core.Tests.Scoring.SnapshotFiles.Customer;

namespace JourneyML.Core.Tests.Scoring;

/// <summary>Segment sizes over the snapshot history: each snapshot counted whole, under the names it gave its segments.</summary>
public sealed class SegmentHistoryTests
{
    [Fact]
    public void Each_snapshot_counts_all_its_customers_per_segment_including_those_gone_from_the_latest()
    {
        var before = SnapshotFiles.AsOf.AddDays(-7);
        var view = SnapshotFiles.View(
            SnapshotFiles.Of(before, new C("a", null, "customer", 0, 0.2f, float.NaN), new C("b", null, "customer", 0, 0.3f, float.NaN),
                new C("gone", null, "lead", 1, float.NaN, 0.4f)),
            SnapshotFiles.Of(SnapshotFiles.AsOf, new C("a", null, "customer", 1, 0.2f, float.NaN), new C("b", null, "churned", 0, float.NaN, float.NaN),
                new C("new", null, "lead", 2, float.NaN, 0.5f)));
        var history = view.SegmentHistory;
        Assert.Equal([before, SnapshotFiles.AsOf], history.Select(h => h.AsOf));
        Assert.Equal(2, history[0].Segments[0].Members);
        Assert.Equal(1, history[0].Segments[1].Members); // "gone" is not in the latest snapshot, but was in this one
        Assert.False(history[0].Segments.ContainsKey(2));
        Assert.Equal([1, 1, 1], history[1].Segments.Values.Select(s => s.Members));
        Assert.Equal("segment 2", history[1].Segments[2].Name);
        Assert.Equal(view.Latest.Count, history[^1].Segments.Values.Sum(s => s.Members));
    }
}
