using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Uplift;
using JourneyML.SampleData;

namespace JourneyML.Core.Tests.Uplift;

/// <summary>
/// The estimators against the planted truth of a generated world (6,000 contacts, seed 8): CS calls aimed at the riskiest
/// (no control arm), a randomised discount that helps the dormant and the steady, a randomised email campaign that does
/// nothing. Segments are the planted ones, standing in for the run's behaviour segments.
/// </summary>
public sealed class UpliftEstimateTests(PlantedInterventionWorld world) : IClassFixture<PlantedInterventionWorld>
{
    private UpliftResult Result => world.Result;

    private KindUplift Kind(string kind) => Result.Kinds.Single(k => k.Kind == kind);

    private double PlantedEffect(string kind) => world.PlantedEffect(kind);

    [Theory]
    [InlineData("discount")]
    [InlineData("email_campaign")]
    public void A_randomised_holdout_recovers_the_planted_effect_within_its_interval(string kind)
    {
        var effect = Kind(kind).Effect;
        Assert.Equal(EffectDesign.RandomisedHoldout, effect.Design);
        Assert.NotNull(effect.Effect);
        double truth = PlantedEffect(kind);
        Assert.InRange(truth, effect.Interval!.Low, effect.Interval.High);
    }

    [Fact]
    public void Without_a_control_arm_the_doubly_robust_estimate_recovers_the_call_effect_and_the_naive_comparison_does_not()
    {
        var effect = Kind("cs_call").Effect;
        Assert.Equal(EffectDesign.DoublyRobust, effect.Design);
        double truth = PlantedEffect("cs_call");
        Assert.True(truth > 0);
        Assert.InRange(truth, effect.Interval!.Low, effect.Interval.High);
        // CS calls the riskiest: the called churn more, so the naive difference says calls cause churn.
        double naive = effect.Naive!.Value;
        Assert.True(naive < 0, $"naive {naive:F3}");
        Assert.False(naive >= effect.Interval.Low && naive <= effect.Interval.High, "the naive comparison falls inside the adjusted interval");
        Assert.True(Math.Abs(effect.Effect!.Value - truth) < Math.Abs(naive - truth));
        Assert.NotNull(effect.Overlap);
        Assert.True(effect.Overlap!.TreatedMedian > effect.Overlap.ComparisonMedian, "the called should look riskier than the rest");
    }

    [Theory]
    [InlineData("cs_call")]
    [InlineData("discount")]
    public void Ranking_by_uplift_saves_more_planted_churners_per_contact_than_ranking_by_risk(string kind)
    {
        // The planted uplift of each customer is what contacting them saves; the Qini of each ranking on it is the truth.
        var saved = Result.CustomerIds.Select(id => world.TrueUplift(id, kind)).ToArray();
        var byUplift = QiniCurve.Of([.. Result.Uplift[kind].Select(u => (double)u)], saved);
        var byRisk = QiniCurve.Of([.. Result.RiskWithout[kind].Select(r => (double)r)], saved);
        Assert.True(byUplift.Coefficient > byRisk.Coefficient, $"Qini by uplift {byUplift.Coefficient:F5}, by risk {byRisk.Coefficient:F5}");
        Assert.NotNull(Kind(kind).ByUplift);
        Assert.Equal(QiniCurve.Resolution + 1, Kind(kind).ByUplift!.Points.Count);
    }

    [Fact]
    public void The_best_action_is_one_whose_effect_was_measured_and_helps_the_customer()
    {
        var measured = Result.Kinds.Where(k => k.Effect.Effect is not null).Select(k => k.Kind).ToHashSet();
        Assert.Contains(Result.BestAction, a => a is not null);
        for (int i = 0; i < Result.CustomerIds.Length; i++)
        {
            if (Result.BestAction[i] is { } best)
            {
                Assert.Contains(best, measured);
                Assert.True(Result.Uplift[best][i] > 0);
            }
        }
    }

    [Fact]
    public void A_small_export_says_too_small_to_say_instead_of_a_number()
    {
        using var folder = new TempFolder("uplift-small");
        var options = new GeneratorOptions { Customers = 300, Seed = 7, World = GeneratorWorld.Small, Interventions = true };
        new SampleGenerator(options).Generate(folder);
        var dataset = Dataset.Open(folder, new ValidationReport());
        var table = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = options.ReferenceAsOf }).Table;
        var result = InterventionEffects.Estimate(table, dataset.Interventions!, dataset.Customers);
        Assert.NotEmpty(result.Kinds);
        Assert.All(result.Kinds, k =>
        {
            Assert.Null(k.Effect.Effect);
            Assert.StartsWith("too small to say", k.Effect.TooSmall);
            // No Qini curve on a kind whose effect could not be measured: it would read as a finding.
            Assert.Null(k.ByUplift);
            Assert.StartsWith("too small to say", k.QiniTooSmall);
        });
    }
}

public sealed class UpliftArithmeticTests
{
    [Fact]
    public void Newcombes_hybrid_score_interval_matches_his_worked_example()
    {
        // Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 against 48/80, method 10: 0.0524 to 0.3339.
        var interval = EffectEstimates.Newcombe(56 / 70.0, 70, 48 / 80.0, 80);
        Assert.Equal(0.0524, interval.Low, 3);
        Assert.Equal(0.3339, interval.High, 3);
    }

    [Fact]
    public void A_qini_curve_rewards_a_ranking_that_puts_the_savable_first()
    {
        double[] saved = [1, 1, 0, 0, 0, 0, -1, 0];
        var right = QiniCurve.Of([8, 7, 6, 5, 4, 3, 2, 1], saved);
        var wrong = QiniCurve.Of([1, 2, 3, 4, 5, 6, 8, 7], saved);
        Assert.True(right.Coefficient > 0);
        Assert.True(wrong.Coefficient < 0);
        Assert.Equal(1.0, right.Points[^1].Share);
        Assert.Equal(saved.Sum(), right.Points[^1].Saved, 6);
    }
}
