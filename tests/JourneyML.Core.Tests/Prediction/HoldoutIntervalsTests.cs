using JourneyML.Core.Prediction;

namespace JourneyML.Core.Tests.Prediction;

public sealed class HoldoutIntervalsTests
{
    [Fact]
    public void Three_of_four_is_a_wide_interval_and_zero_of_ten_starts_at_zero()
    {
        // Wilson's 95% interval for 3 of 4: 30.1% to 95.4% (as any statistics table gives it).
        var w = HoldoutIntervals.Wilson(3, 4);
        Assert.Equal(0.301, w.Low, 3);
        Assert.Equal(0.954, w.High, 3);
        var none = HoldoutIntervals.Wilson(0, 10);
        Assert.Equal(0, none.Low);
        Assert.InRange(none.High, 0.27, 0.29);
        Assert.Equal("75% (3 of 4; 95% CI 30–95%)", IntervalText.Share(0.75, new CountedShare(3, 4, w)));
    }

    [Fact]
    public void The_auc_interval_holds_the_estimate_narrows_with_more_customers_and_repeats_for_a_seed()
    {
        var (smallScores, smallLabels) = Holdout(200, 1.0, seed: 3);
        var (largeScores, largeLabels) = Holdout(5000, 1.0, seed: 3);
        var small = HoldoutIntervals.Compute(smallScores, smallLabels);
        var large = HoldoutIntervals.Compute(largeScores, largeLabels);
        double auc = ClassificationMetrics.RocAuc(smallScores, smallLabels);
        Assert.InRange(auc, small.Auc.Low, small.Auc.High);
        Assert.InRange(ClassificationMetrics.PrAucOf(smallScores, smallLabels), small.PrAuc.Low, small.PrAuc.High);
        Assert.True(large.Auc.Width < small.Auc.Width / 3, $"{large.Auc} against {small.Auc}");
        Assert.Equal(small, HoldoutIntervals.Compute(smallScores, smallLabels));
        // Top 5% of 200 = 10 customers: the counts behind the precision are those ClassificationMetrics reports.
        var metrics = ClassificationMetrics.Compute(smallScores, smallLabels);
        Assert.Equal(10, small.Top5.Count);
        Assert.Equal(metrics.PrecisionAtTop5, small.Top5.Share, 9);
        Assert.Equal(20, small.Top10.Count);
    }

    [Fact]
    public void Scores_that_know_nothing_have_intervals_that_cover_a_half_about_95_times_in_100()
    {
        // 40 holdouts of 300 with no signal: a 95% interval misses 0.5 about twice; 7 misses or more would be a 1-in-100 event.
        int covered = Enumerable.Range(1, 40).Count(seed =>
        {
            var (scores, labels) = Holdout(300, 0.0, seed);
            var auc = HoldoutIntervals.Compute(scores, labels, resamples: 400, seed: seed).Auc;
            return auc.Low <= 0.5 && 0.5 <= auc.High;
        });
        Assert.InRange(covered, 34, 40);
    }

    [Fact]
    public void A_holdout_with_few_positives_or_rows_is_called_too_small_in_words()
    {
        var (scores, labels) = Holdout(80, 1.5, seed: 2, baseRate: 0.2);
        var metrics = ClassificationMetrics.Compute(scores, labels);
        var warning = HoldoutIntervals.TooSmall(metrics, HoldoutIntervals.Compute(scores, labels));
        Assert.NotNull(warning);
        Assert.Contains("too small to trust", warning);
        Assert.Contains($"{metrics.Positives} positive outcomes (at least 30 needed)", warning);
        Assert.Contains("80 customers (at least 100 needed)", warning);

        var (bigScores, bigLabels) = Holdout(3000, 1.5, seed: 2, baseRate: 0.2);
        var big = ClassificationMetrics.Compute(bigScores, bigLabels);
        Assert.Null(HoldoutIntervals.TooSmall(big, HoldoutIntervals.Compute(bigScores, bigLabels)));
    }

    /// <summary>Scores: a Gaussian shifted by <paramref name="separation"/> for positives (0: no signal).</summary>
    internal static (float[] Scores, float[] Labels) Holdout(int n, double separation, int seed, double baseRate = 0.3)
    {
        var random = new Random(seed);
        var scores = new float[n];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = random.NextDouble() < baseRate;
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            scores[i] = (float)(1 / (1 + Math.Exp(-(gaussian + (positive ? separation : 0)))));
            labels[i] = positive ? 1 : 0;
        }
        return (scores, labels);
    }

    [Fact]
    public void Where_accounts_are_shared_whole_accounts_are_resampled_so_copies_of_one_account_do_not_narrow_the_interval()
    {
        // 60 accounts of 6 contacts who share their score and their outcome: 60 independent draws, not 360.
        var random = new Random(3);
        var scores = new List<float>();
        var labels = new List<float>();
        var accounts = new List<string?>();
        for (int a = 0; a < 60; a++)
        {
            float label = a % 3 == 0 ? 1f : 0f;
            float score = (float)(0.3 * label + random.NextDouble());
            for (int k = 0; k < 6; k++)
            {
                scores.Add(score);
                labels.Add(label);
                accounts.Add("A" + a);
            }
        }
        var byRow = HoldoutIntervals.Compute([.. scores], [.. labels]).Auc;
        var byAccount = HoldoutIntervals.Compute([.. scores], [.. labels], groups: accounts).Auc;
        var oneEach = HoldoutIntervals.Compute([.. scores.Where((_, i) => i % 6 == 0)], [.. labels.Where((_, i) => i % 6 == 0)]).Auc;
        Assert.True(byAccount.High - byAccount.Low > 1.8 * (byRow.High - byRow.Low), $"by account {byAccount}, by row {byRow}");
        Assert.InRange(byAccount.High - byAccount.Low, 0.75 * (oneEach.High - oneEach.Low), 1.25 * (oneEach.High - oneEach.Low));
    }
}
