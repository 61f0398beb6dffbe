using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Tests.Registry;

/// <summary>The gate's rule on plain scores: what a retraining job's promotion hangs on.</summary>
public sealed class PromotionGateTests
{
    private static readonly PromotionGateOptions s_options = new();

    /// <summary>Labels half 1, half 0, and scores that rank them with the given share of pairs flipped at random.</summary>
    private static (float[] Scores, float[] Truth) Holdout(int n, double noise, int seed)
    {
        var random = new Random(seed);
        var truth = new float[n];
        var scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = i % 2;
            scores[i] = (float)(random.NextDouble() < noise ? random.NextDouble() : 0.5 * truth[i] + 0.5 * random.NextDouble());
        }
        return (scores, truth);
    }

    [Fact]
    public void The_first_model_is_promoted_without_a_comparison()
    {
        var decision = PromotionGate.Decide(null, new Core.Features.FeatureTable([], []), null, null, s_options);
        Assert.True(decision.Promoted);
        Assert.Equal("first model in the registry", decision.Reason);
        Assert.Empty(decision.Comparisons);
    }

    [Fact]
    public void A_challenger_as_good_as_the_champion_is_promoted()
    {
        var (scores, truth) = Holdout(400, 0.3, 1);
        var comparisons = PromotionGate.Compare(PredictionTask.Churn, scores, scores, truth, s_options);
        Assert.All(comparisons, c => Assert.True(c.NotWorse));
        var decision = PromotionGate.Decide("v1", comparisons, [], s_options);
        Assert.True(decision.Promoted);
        Assert.StartsWith("not worse than champion v1", decision.Reason);
    }

    [Fact]
    public void A_clearly_worse_challenger_is_kept_out_unless_forced()
    {
        var (champion, truth) = Holdout(400, 0.05, 2);
        var (challenger, _) = Holdout(400, 0.95, 3);
        var comparisons = PromotionGate.Compare(PredictionTask.Churn, challenger, champion, truth, s_options);
        Assert.All(comparisons, c => Assert.False(c.NotWorse));
        Assert.All(comparisons, c => Assert.True(c.DifferenceUpper95 < -s_options.Tolerance));

        var kept = PromotionGate.Decide("v1", comparisons, [], s_options);
        Assert.False(kept.Promoted);
        Assert.StartsWith("kept, not promoted: churn PR-AUC", kept.Reason);

        var forced = PromotionGate.Decide("v1", comparisons, [], s_options with { Force = true });
        Assert.True(forced.Promoted);
        Assert.True(forced.Forced);
    }

    [Fact]
    public void A_lower_score_within_holdout_noise_does_not_keep_a_model_out()
    {
        // 40 rows and two models of the same quality: the first pair of seeds where the challenger comes out lower by more
        // than the tolerance. Its drop is luck of a small holdout, and resampling shows it.
        var (champion, truth) = Holdout(40, 0.3, 4);
        var drops = Enumerable.Range(100, 50)
            .Select(seed => PromotionGate.Compare(PredictionTask.Churn, Holdout(40, 0.3, seed).Scores, champion, truth, s_options).Single(c => c.Metric == "ROC AUC"))
            .Where(c => c.Challenger < c.Champion - s_options.Tolerance)
            .ToList();
        var withinNoise = drops.Where(d => d.Champion - d.Challenger < 0.1).ToList();
        Assert.NotEmpty(withinNoise);
        Assert.All(withinNoise, d => Assert.True(d.NotWorse, $"{d.Challenger:F3} vs {d.Champion:F3}, upper {d.DifferenceUpper95:F3}"));
    }

    [Fact]
    public void A_problem_such_as_a_champion_that_cannot_score_keeps_the_champion()
    {
        var (scores, truth) = Holdout(200, 0.3, 5);
        var comparisons = PromotionGate.Compare(PredictionTask.Churn, scores, scores, truth, s_options);
        var decision = PromotionGate.Decide("v1", comparisons, ["the champion has a conversion model and this run has none"], s_options);
        Assert.False(decision.Promoted);
        Assert.EndsWith("the champion has a conversion model and this run has none", decision.Reason);
    }

    [Fact]
    public void The_bootstrap_is_deterministic_for_a_seed()
    {
        var (a, truth) = Holdout(300, 0.3, 6);
        var (b, _) = Holdout(300, 0.4, 7);
        Assert.Equal(PromotionGate.Compare(PredictionTask.Lead, a, b, truth, s_options), PromotionGate.Compare(PredictionTask.Lead, a, b, truth, s_options));
    }
}
