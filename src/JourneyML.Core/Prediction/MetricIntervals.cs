using System.Globalization;

namespace JourneyML.Core.Prediction;

/// <summary>A 95% interval of a metric.</summary>
public sealed record Interval95(double Low, double High)
{
    public double Width => High - Low;
}

/// <summary>A share of a few customers with its Wilson 95% interval: "of the 5% highest-risk customers, 3 of 4 churned".</summary>
public sealed record CountedShare(int Hits, int Count, Interval95 Interval)
{
    public double Share => Count == 0 ? double.NaN : (double)Hits / Count;
}

/// <summary>
/// The 95% intervals of a holdout's headline metrics, and whether the holdout is too small to trust. ROC AUC and PR-AUC by
/// a stratified bootstrap (each resample keeps the holdout's positives and negatives counts, as the split did); precision
/// at the top 5% and 10% by Wilson's score interval on the few customers it rests on.
/// </summary>
public sealed record HoldoutIntervals(Interval95 Auc, Interval95 PrAuc, CountedShare Top5, CountedShare Top10, int Resamples)
{
    /// <summary>Holdout positives below which a metric is reported as resting on too few outcomes (see <see cref="TooSmall"/>).</summary>
    public const int MinPositives = 30;
    /// <summary>Holdout rows below which the top 5% is a handful of customers.</summary>
    public const int MinRows = 100;
    /// <summary>An ROC AUC interval wider than this (±0.1) cannot tell a useful model from a weak one.</summary>
    public const double MaxAucWidth = 0.2;

    /// <summary>
    /// Why the holdout is too small to trust, in words; null when it is not. Thresholds: with fewer than 30 positives the
    /// ROC AUC's standard error (Hanley and McNeil) is about 0.05 or more at AUC 0.8, so the interval spans ±0.1; with fewer
    /// than 100 rows the top 5% is at most 5 customers and one customer moves its precision by 20 points; and an ROC AUC
    /// interval wider than 0.2 cannot separate a useful model (0.75) from a barely better than chance one (0.55).
    /// </summary>
    public static string? TooSmall(ClassificationMetrics holdout, HoldoutIntervals? intervals) => TooSmallSentence(holdout, intervals)?.English;

    /// <summary>The same warning in English and Japanese, from the facts a version records (so any version's reads in either language).</summary>
    public static Sentence? TooSmallSentence(ClassificationMetrics holdout, HoldoutIntervals? intervals)
    {
        var why = new List<Sentence>();
        if (holdout.Positives < MinPositives)
        {
            why.Add(new($"{holdout.Positives} positive outcomes (at least {MinPositives} needed)", $"正例 {holdout.Positives} 件（{MinPositives} 件以上が必要）"));
        }
        if (holdout.Count < MinRows)
        {
            why.Add(new($"{holdout.Count} customers (at least {MinRows} needed)", $"顧客 {holdout.Count} 人（{MinRows} 人以上が必要）"));
        }
        if (intervals is { } i && (double.IsNaN(i.Auc.Width) || i.Auc.Width > MaxAucWidth))
        {
            string width = double.IsNaN(i.Auc.Width) ? "NaN" : i.Auc.Width.ToString("F2", CultureInfo.InvariantCulture);
            why.Add(new($"an ROC AUC interval {width} wide (at most {MaxAucWidth:F1} wanted)",
                double.IsNaN(i.Auc.Width) ? "ROC AUC の区間が求まらない" : $"ROC AUC の区間の幅が {width}（{MaxAucWidth:F1} 以下が望ましい）"));
        }
        if (why.Count == 0)
        {
            return null;
        }
        var list = Sentence.Join(why, ", ", "、");
        return new($"the holdout is too small to trust: {list.English}; read every figure with its interval, and expect the next run's to differ",
            $"ホールドアウトが小さく、数値を信頼しきれません（{list.Japanese}）。どの数値も区間とあわせて読み、次の学習では変わると考えてください");
    }

    /// <summary>
    /// Default bootstrap resamples. A percentile interval's end is a tail quantile, estimated from the 2.5% of resamples
    /// beyond it: with B resamples its Monte Carlo standard error is about sqrt(0.025 x 0.975 / B) / φ(1.96) ≈ 2.7 / sqrt(B)
    /// of the metric's standard error (a normal bootstrap distribution). At 2,000 that is 6% of it: for a holdout ROC AUC
    /// with standard error 0.02, the end moves by about 0.001 from one seed to another, below the two decimals shown,
    /// where 200 resamples moved it by 0.004 and 1,000 by 0.002. Efron and Tibshirani ask for at least 1,000 for percentile
    /// intervals. Each resample is one pass over the holdout (<see cref="HoldoutBootstrap"/>), so 2,000 cost well under a
    /// second on 20,000 customers.
    /// </summary>
    public const int DefaultResamples = 2000;

    /// <summary>The seed of the holdout's bootstrap everywhere it is drawn (intervals, AUC difference, ECE), so they share its resamples.</summary>
    public const int BootstrapSeed = 1;

    /// <param name="groups">Account of each holdout row, when known: where rows share accounts, whole accounts are resampled
    /// (a cluster bootstrap), since contacts of one account convert or churn together and are not independent draws; a
    /// customer-level resample then gives intervals too narrow.</param>
    public static HoldoutIntervals Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int resamples = DefaultResamples, int seed = BootstrapSeed,
        IReadOnlyList<string?>? groups = null) =>
        WithBaseline(scores, null, labels, resamples, seed, groups).Intervals;

    /// <summary>
    /// <see cref="Compute"/> and, when <paramref name="baseline"/> is given, <see cref="AucDifference"/> against it, on one
    /// pass over the same resamples: each resample's ROC AUC, PR-AUC and AUC gap are measured on exactly the same draw.
    /// </summary>
    public static (HoldoutIntervals Intervals, Interval95? Gap) WithBaseline(ReadOnlySpan<float> scores, ReadOnlySpan<float> baseline, ReadOnlySpan<float> labels,
        int resamples = DefaultResamples, int seed = BootstrapSeed, IReadOnlyList<string?>? groups = null)
    {
        bool paired = baseline.Length > 0;
        if (paired && baseline.Length != scores.Length)
        {
            throw new ArgumentException("the baseline's scores and the model's differ in length");
        }
        var order = ClassificationMetrics.RankDescending(scores);
        var ranked = new RankedScores(scores, labels);
        var other = paired ? new RankedScores(baseline, labels) : null;
        var aucs = new List<double>(resamples);
        var prAucs = new List<double>(resamples);
        var gaps = new List<double>(resamples);
        HoldoutBootstrap.Of(labels, groups, resamples, seed)?.ForEach(weights =>
        {
            double auc = ranked.RocAuc(weights);
            aucs.Add(auc);
            prAucs.Add(ranked.AveragePrecision(weights));
            if (other is not null)
            {
                gaps.Add(auc - other.RocAuc(weights));
            }
        });
        var intervals = new HoldoutIntervals(HoldoutBootstrap.Percentiles([.. aucs]), HoldoutBootstrap.Percentiles([.. prAucs]),
            AtTop(order, labels, 0.05), AtTop(order, labels, 0.10), resamples);
        return (intervals, paired ? HoldoutBootstrap.Percentiles([.. gaps]) : null);
    }

    /// <summary>The top share of the ranked list as ClassificationMetrics counts it (at least one customer), with Wilson's interval.</summary>
    private static CountedShare AtTop(int[] order, ReadOnlySpan<float> labels, double share)
    {
        int k = order.Length == 0 ? 0 : Math.Max(1, (int)Math.Round(order.Length * share));
        int hits = 0;
        for (int i = 0; i < k; i++)
        {
            hits += labels[order[i]] > 0.5f ? 1 : 0;
        }
        return new CountedShare(hits, k, Wilson(hits, k));
    }

    /// <summary>Wilson's score interval of a binomial share at 95% (z = 1.96): sensible at 0 or all hits and for a handful of trials.</summary>
    public static Interval95 Wilson(int hits, int trials)
    {
        if (trials == 0)
        {
            return new Interval95(double.NaN, double.NaN);
        }
        const double z = 1.959964;
        double p = (double)hits / trials, z2 = z * z;
        double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
        double half = z * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / (1 + z2 / trials);
        return new Interval95(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The 95% interval of ROC AUC(<paramref name="scores"/>) − ROC AUC(<paramref name="other"/>) on the same holdout: a
    /// paired bootstrap, both rankings measured on each resample (the same resamples, seed for seed, as
    /// <see cref="Compute"/>'s), so the noise the two share (which customers happen to be held out) cancels and the interval
    /// is of the gap alone. Whole accounts are resampled where rows share accounts, as in <see cref="Compute"/>.
    /// </summary>
    public static Interval95 AucDifference(ReadOnlySpan<float> scores, ReadOnlySpan<float> other, ReadOnlySpan<float> labels,
        int resamples = DefaultResamples, int seed = BootstrapSeed, IReadOnlyList<string?>? groups = null) =>
        WithBaseline(scores, other, labels, resamples, seed, groups).Gap ?? new Interval95(double.NaN, double.NaN);
}

/// <summary>How a metric and its interval read wherever a person sees them (CLI summary, report).</summary>
public static class IntervalText
{
    /// <summary>"0.81 (95% CI 0.77–0.85)"; the bare value when no interval was recorded.</summary>
    public static string Ratio(double value, Interval95? interval, int digits = 3) =>
        Number(value, digits) + (interval is { } i && !double.IsNaN(i.Low) ? $" (95% CI {Number(i.Low, 2)}–{Number(i.High, 2)})" : "");

    /// <summary>"75% (3 of 4; 95% CI 30–95%)"; the bare percentage when no interval was recorded.</summary>
    public static string Share(double value, CountedShare? counted) => Percent(value) + ShareDetail(counted);

    /// <summary>" (3 of 4; 95% CI 30–95%)": what a share rests on and its interval, to follow the share; empty without one.</summary>
    public static string ShareDetail(CountedShare? counted) =>
        counted is { } c && !double.IsNaN(c.Interval.Low)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $" ({c.Hits:N0} of {c.Count:N0}; 95% CI {Math.Round(c.Interval.Low * 100):0}–{Math.Round(c.Interval.High * 100):0}%)")
            : "";

    private static string Number(double value, int digits) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + digits, System.Globalization.CultureInfo.InvariantCulture);

    private static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
