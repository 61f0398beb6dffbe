using JourneyML.Core.Survival;
using JourneyML.TestSupport;

namespace JourneyML.Core.Tests.Survival;

public sealed class SurvivalScoresTests
{
    private static readonly ObservedTime[] s_observed =
        [new(30, true), new(60, true), new(60, false), new(90, true), new(120, false), new(180, false)];

    [Fact]
    public void Kaplan_Meier_counts_a_censoring_on_a_churn_day_as_seen_paying_that_day()
    {
        var km = KaplanMeier.Survival(s_observed);
        Assert.Equal(5.0 / 6, km.At(30), 6);
        Assert.Equal(5.0 / 6 * 4 / 5, km.At(60), 6);
        Assert.Equal(5.0 / 6 * 4 / 5 * 2 / 3, km.At(90), 6);
        Assert.Equal(5.0 / 6, km.Before(60), 6);
        Assert.Equal(1, km.At(10));
    }

    [Fact]
    public void Concordance_is_one_for_risks_in_the_order_of_churn_and_zero_reversed()
    {
        double[] risk = [0.9, 0.8, 0.5, 0.4, 0.2, 0.1];
        Assert.Equal(1, SurvivalScores.Concordance(risk, s_observed, 180, null), 6);
        Assert.Equal(0, SurvivalScores.Concordance([.. risk.Select(r => -r)], s_observed, 180, null), 6);
        Assert.Equal(1, SurvivalScores.Concordance(risk, s_observed, 180, KaplanMeier.Censoring(s_observed)), 6);
        Assert.Equal(0.5, SurvivalScores.Concordance([.. risk.Select(_ => 0.3)], s_observed, 180, null), 6);
    }

    [Fact]
    public void Concordance_counts_only_pairs_whose_first_churn_is_before_the_other_was_last_seen()
    {
        // Pairs: (30 churn) before all 5 others; (60 churn) before 90, 120, 180 (not the one censored at 60); (90 churn) before 120, 180.
        // Risks put the 60-day churner below the 90-day churner and the 120-day censored one: 2 discordant pairs of 10 comparable.
        double[] risk = [0.9, 0.3, 0.5, 0.6, 0.4, 0.1];
        Assert.Equal(0.8, SurvivalScores.Concordance(risk, s_observed, 180, null), 6);
    }

    [Fact]
    public void Brier_score_is_zero_for_curves_that_knew_the_outcome_and_below_Kaplan_Meier_for_informative_ones()
    {
        var uncensored = new ObservedTime[] { new(30, true), new(60, true), new(180, false), new(180, false) };
        var censoring = KaplanMeier.Censoring(uncensored);
        SurvivalCurve Knew(ObservedTime o) => new([.. SurvivalCurve.Days.Select(d => o.Churned && o.Days <= d ? 0.0 : 1.0)]);
        var perfect = uncensored.Select(Knew).ToArray();
        Assert.Equal(0, SurvivalScores.IntegratedBrier(perfect, uncensored, censoring, 180, null), 9);
        double km = SurvivalScores.IntegratedBrier(perfect, uncensored, censoring, 180, KaplanMeier.Survival(uncensored));
        Assert.True(km > 0.1, $"Kaplan–Meier's integrated Brier score {km:F3}");
    }

    [Fact]
    public void The_curve_multiplies_the_hazards_and_reads_its_median()
    {
        var curve = SurvivalCurve.FromHazards([0.1f, 0.2f, 0.5f, 0.1f, 0.1f, 0.1f]);
        Assert.Equal(0.9, curve.At(30), 6);
        Assert.Equal(0.72, curve.At(60), 6);
        Assert.Equal(0.36, curve.At(90), 6);
        Assert.Equal(0.81, curve.At(45), 6);
        Assert.Equal(60 + 30 * (0.72 - 0.5) / (0.72 - 0.36), curve.MedianDays!.Value, 1);
        var safe = SurvivalCurve.FromHazards([0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f]);
        Assert.Null(safe.MedianDays);
        Assert.Equal("beyond 180 days", safe.MedianText);
    }

    [Fact]
    public void The_planted_survival_truth_matches_what_happened_in_the_sample()
    {
        // The generator's closed-form curve against the Kaplan–Meier of the churns it drew: the truth says what the data did.
        var truth = SurvivalFixture.ReadTruth(Samples.Path("sample", "survival_truth.csv"));
        var km = KaplanMeier.Survival([.. truth.Select(t => new ObservedTime(t.DaysObserved, t.Churned))]);
        for (int i = 0; i < 3; i++)
        {
            int day = SurvivalCurve.ReportedDays[i];
            double planted = truth.Average(t => t.Survival[i]);
            Assert.True(Math.Abs(km.At(day) - planted) < 0.03, $"day {day}: Kaplan–Meier {km.At(day):F3}, mean planted survival {planted:F3}");
        }
        Assert.All(truth, t => Assert.True(t.Survival[0] >= t.Survival[1] && t.Survival[1] >= t.Survival[2] && t.Survival[2] >= t.Survival[3]));
    }

    [Fact]
    public void A_bootstrap_resample_counted_by_draws_measures_as_the_drawn_rows_one_by_one()
    {
        // The bootstrap counts each held-out row's draws instead of copying it: every metric must be the copies' own.
        var random = new Random(5);
        int n = 400;
        var curves = new SurvivalCurve[n];
        var observed = new ObservedTime[n];
        for (int i = 0; i < n; i++)
        {
            double hazard = 0.02 + 0.1 * random.NextDouble();
            curves[i] = new SurvivalCurve([.. SurvivalCurve.Days.Select(d => Math.Round(Math.Pow(1 - hazard, d / 30.0), 2))]); // rounded: ties in risk
            observed[i] = new ObservedTime(30 * random.Next(1, 7), random.NextDouble() < 0.4);
        }
        var counts = Enumerable.Range(0, n).Select(_ => random.Next(0, 4)).ToArray();
        var copied = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i, counts[i])).ToArray();
        var baseline = KaplanMeier.Survival(observed);
        var weighted = SurvivalScores.Measure(new SurvivalScores.ScoredRows(curves, observed, 180), counts, baseline, 180);
        var one = SurvivalScores.Measure(new SurvivalScores.ScoredRows([.. copied.Select(i => curves[i])], [.. copied.Select(i => observed[i])], 180),
            [.. copied.Select(_ => 1)], baseline, 180);
        Assert.Equal(one.Length, weighted.Length);
        for (int m = 0; m < one.Length; m++)
        {
            Assert.Equal(one[m], weighted[m], 9);
        }
        Assert.All(one, v => Assert.True(double.IsFinite(v) && v > 0 && v < 1, $"{v}")); // real figures, not NaN or zero
    }
}
