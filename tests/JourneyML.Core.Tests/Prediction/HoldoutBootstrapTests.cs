using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>
/// The holdout's bootstrap drawn once as weights over scores sorted once: the same intervals as resampling the rows one by
/// one and sorting each resample (the way they were computed before), the AUC difference and the ECE on the same draws.
/// </summary>
public sealed class HoldoutBootstrapTests
{
    [Fact]
    public void The_one_pass_intervals_equal_those_of_resampling_the_rows_one_by_one_with_ties_and_with_accounts()
    {
        var (scores, labels, accounts) = Accounts(accountCount: 90, seed: 4);
        // A baseline of one rounded column: many tied scores, as a count feature has.
        var baseline = scores.Select((s, i) => MathF.Round(s * 4 + (i % 5 == 0 ? 1 : 0)) / 4).ToArray();
        foreach (var groups in new IReadOnlyList<string?>?[] { null, accounts })
        {
            var (intervals, gap) = HoldoutIntervals.WithBaseline(scores, baseline, labels, resamples: 300, seed: 7, groups);
            var (auc, prAuc, difference) = RowByRow(scores, baseline, labels, groups, resamples: 300, seed: 7);
            AssertClose(auc, intervals.Auc);
            AssertClose(prAuc, intervals.PrAuc);
            AssertClose(difference, gap!);
            // The public entry points are the same pass: Compute without the baseline, AucDifference with it.
            Assert.Equal(intervals, HoldoutIntervals.Compute(scores, labels, 300, 7, groups));
            Assert.Equal(gap, HoldoutIntervals.AucDifference(scores, baseline, labels, 300, 7, groups));
        }
    }

    [Fact]
    public void The_gates_paired_bootstrap_gives_the_bounds_of_resampling_the_rows_one_by_one()
    {
        var (challenger, truth) = HoldoutIntervalsTests.Holdout(400, 1.0, seed: 8);
        var champion = challenger.Select((s, i) => MathF.Round(s * 10 + (i % 7 == 0 ? 2 : 0)) / 10).ToArray();
        var (pr, auc) = PromotionGate.BootstrapUpper(challenger, champion, truth, seed: 3);

        var random = new Random(3);
        var prDiffs = new List<double>();
        var aucDiffs = new List<double>();
        for (int s = 0; s < PromotionGate.BootstrapResamples; s++)
        {
            var picks = Enumerable.Range(0, truth.Length).Select(_ => random.Next(truth.Length)).ToArray();
            float[] a = [.. picks.Select(i => challenger[i])], b = [.. picks.Select(i => champion[i])], y = [.. picks.Select(i => truth[i])];
            prDiffs.Add(ClassificationMetrics.PrAucOf(a, y) - ClassificationMetrics.PrAucOf(b, y));
            aucDiffs.Add(ClassificationMetrics.RocAuc(a, y) - ClassificationMetrics.RocAuc(b, y));
        }
        int at = (int)(PromotionGate.BootstrapResamples * 0.95);
        Assert.Equal(prDiffs.Order().ElementAt(at), pr, 12);
        Assert.Equal(aucDiffs.Order().ElementAt(at), auc, 12);
    }

    [Fact]
    public void The_ece_of_each_weighted_resample_is_the_ece_of_the_rows_it_draws()
    {
        var (scores, labels, accounts) = Accounts(accountCount: 40, seed: 9);
        var binned = new BinnedProbabilities(scores, labels);
        var bootstrap = HoldoutBootstrap.Of(labels, accounts, resamples: 50, seed: 2)!;
        int checkedResamples = 0;
        bootstrap.ForEach(weights =>
        {
            var rows = weights.SelectMany((w, i) => Enumerable.Repeat(i, w)).ToArray();
            double written = CalibrationError.Expected([.. rows.Select(i => scores[i])], [.. rows.Select(i => labels[i])]);
            Assert.Equal(written, binned.Expected(weights), 9);
            checkedResamples++;
        });
        Assert.Equal(50, checkedResamples);
    }

    [Fact]
    public void The_ece_interval_resamples_whole_accounts_so_an_accounts_contacts_do_not_narrow_it_and_it_repeats_for_a_seed()
    {
        // 80 accounts of 8 contacts who share their risk and their fate: 80 independent draws, not 640.
        var (probabilities, labels, accounts) = Accounts(accountCount: 80, seed: 5, contacts: 8);
        var byCustomer = CalibrationError.Uncertainty(probabilities, labels);
        var byAccount = CalibrationError.Uncertainty(probabilities, labels, groups: accounts);
        double width(EceUncertainty u) => u.High - u.Low;
        Assert.True(width(byAccount) > 1.5 * width(byCustomer), $"by account {byAccount.Low:F3}-{byAccount.High:F3}, by customer {byCustomer.Low:F3}-{byCustomer.High:F3}");
        Assert.Equal(byAccount, CalibrationError.Uncertainty(probabilities, labels, groups: accounts));
        Assert.Equal(HoldoutIntervals.DefaultResamples, byAccount.Draws);
    }

    private static void AssertClose(Interval95 expected, Interval95 actual)
    {
        Assert.Equal(expected.Low, actual.Low, 12);
        Assert.Equal(expected.High, actual.High, 12);
    }

    /// <summary>
    /// The intervals as they were computed before the one-pass bootstrap: each stratified resample of the units (rows, or
    /// accounts) written out row by row and its metrics computed from scratch. The draws are the same: units with a positive
    /// first, then the others, one <c>Random.Next</c> per unit drawn.
    /// </summary>
    private static (Interval95 Auc, Interval95 PrAuc, Interval95 Gap) RowByRow(float[] scores, float[] other, float[] labels, IReadOnlyList<string?>? groups,
        int resamples, int seed)
    {
        var units = groups is null
            ? Enumerable.Range(0, labels.Length).Select(i => new[] { i }).ToArray()
            : [.. Enumerable.Range(0, labels.Length).GroupBy(i => groups[i] ?? "row " + i).Select(g => g.ToArray()).OrderBy(u => u[0])];
        var positives = units.Where(u => u.Any(i => labels[i] > 0.5f)).ToArray();
        var negatives = units.Where(u => u.All(i => labels[i] <= 0.5f)).ToArray();
        var random = new Random(seed);
        var aucs = new List<double>();
        var prAucs = new List<double>();
        var gaps = new List<double>();
        for (int b = 0; b < resamples; b++)
        {
            var rows = new List<int>();
            foreach (var pool in new[] { positives, negatives })
            {
                for (int k = 0; k < pool.Length; k++)
                {
                    rows.AddRange(pool[random.Next(pool.Length)]);
                }
            }
            float[] s = [.. rows.Select(i => scores[i])], o = [.. rows.Select(i => other[i])], y = [.. rows.Select(i => labels[i])];
            double auc = ClassificationMetrics.RocAuc(s, y);
            aucs.Add(auc);
            prAucs.Add(ClassificationMetrics.PrAucOf(s, y));
            gaps.Add(auc - ClassificationMetrics.RocAuc(o, y));
        }
        return (HoldoutBootstrap.Percentiles([.. aucs]), HoldoutBootstrap.Percentiles([.. prAucs]), HoldoutBootstrap.Percentiles([.. gaps]));
    }

    /// <summary>Contacts in accounts that share a risk and an outcome drawn from it; scores are the risks (probabilities in [0, 1]).</summary>
    private static (float[] Scores, float[] Labels, string?[] Accounts) Accounts(int accountCount, int seed, int contacts = 4)
    {
        var random = new Random(seed);
        var scores = new List<float>();
        var labels = new List<float>();
        var accounts = new List<string?>();
        for (int a = 0; a < accountCount; a++)
        {
            float risk = (float)(0.05 + 0.7 * random.NextDouble() * random.NextDouble());
            float outcome = random.NextDouble() < risk ? 1f : 0f;
            for (int k = 0; k < contacts; k++)
            {
                scores.Add(MathF.Round(risk * 50) / 50);
                labels.Add(outcome);
                // Every fifth account's contacts are on their own (no account), as customers without one are.
                accounts.Add(a % 5 == 0 ? null : "A" + a);
            }
        }
        return ([.. scores], [.. labels], [.. accounts]);
    }
}
