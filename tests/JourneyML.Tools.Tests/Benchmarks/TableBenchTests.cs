using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Tests.Benchmarks;

/// <summary><c>bench tables</c>' paired comparison: both sides on the same resample, the difference's interval, the verdict.</summary>
public sealed class TableBenchTests
{
    private static (float[] Truth, float[] Good) Holdout()
    {
        var random = new Random(7);
        var truth = Enumerable.Range(0, 400).Select(_ => random.NextDouble() < 0.25 ? 1f : 0f).ToArray();
        var good = truth.Select(y => (float)Math.Clamp(0.25 + (y - 0.25) * 0.5 + (random.NextDouble() - 0.5) * 0.6, 0.01, 0.99)).ToArray();
        return (truth, good);
    }

    [Fact]
    public void The_same_predictions_on_both_sides_differ_by_exactly_nothing()
    {
        var (truth, good) = Holdout();
        var boot = TableBench.Bootstrap(good, [.. good.Select(p => (double)p)], truth, 1);
        Assert.Equal(boot.Auc[0].Value, boot.Auc[1].Value, 9);
        Assert.Equal(new Bounded(0, 0, 0), boot.Auc[2]);
        Assert.True(boot.Auc[0].Low < boot.Auc[0].Value && boot.Auc[0].Value < boot.Auc[0].High);
    }

    [Fact]
    public void A_peer_that_ranks_at_random_is_beaten_beyond_noise_and_one_that_ranks_better_is_reported_so()
    {
        var (truth, good) = Holdout();
        var random = new Random(3);
        var coin = truth.Select(_ => random.NextDouble()).ToArray();
        var beaten = TableBench.Bootstrap(good, coin, truth, 1);
        Assert.True(beaten.Auc[2].Low > 0, $"difference {beaten.Auc[2].Text()}");
        // Swapped: JourneyML the coin, the peer the good model: the difference's interval lies below zero (JourneyML trails).
        var trails = TableBench.Bootstrap([.. coin.Select(p => (float)p)], [.. good.Select(p => (double)p)], truth, 1);
        Assert.True(trails.Auc[2].High < 0, $"difference {trails.Auc[2].Text()}");
        Assert.Equal(-beaten.Auc[2].Value, trails.Auc[2].Value, 6);
    }
}
