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
    public static string? TooSmall(ClassificationMetrics holdout, HoldoutIntervals? intervals)
    {
        var why = new List<string>();
        if (holdout.Positives < MinPositives)
        {
            why.Add($"{holdout.Positives} positive outcomes (at least {MinPositives} needed)");
        }
        if (holdout.Count < MinRows)
        {
            why.Add($"{holdout.Count} customers (at least {MinRows} needed)");
        }
        if (intervals is { } i && (double.IsNaN(i.Auc.Width) || i.Auc.Width > MaxAucWidth))
        {
            why.Add($"an ROC AUC interval {i.Auc.Width:F2} wide (at most {MaxAucWidth:F1} wanted)");
        }
        return why.Count == 0
            ? null
            : $"the holdout is too small to trust: {string.Join(", ", why)}; read every figure with its interval, and expect the next run's to differ";
    }

    /// <summary>Default bootstrap resamples: enough for stable 2.5th and 97.5th percentiles, fast (a few hundred ms on 10,000 rows).</summary>
    public const int DefaultResamples = 1000;

    /// <param name="groups">Account of each holdout row, when known: where rows share accounts, whole accounts are resampled
    /// (a cluster bootstrap), since contacts of one account convert or churn together and are not independent draws; a
    /// customer-level resample then gives intervals too narrow.</param>
    public static HoldoutIntervals Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int resamples = DefaultResamples, int seed = 1,
        IReadOnlyList<string?>? groups = null)
    {
        var order = ClassificationMetrics.RankDescending(scores);
        var units = Units(labels.Length, groups);
        var (auc, prAuc) = Bootstrap(scores.ToArray(), labels.ToArray(), units, resamples, seed);
        return new HoldoutIntervals(auc, prAuc, AtTop(order, labels, 0.05), AtTop(order, labels, 0.10), resamples);
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

    /// <summary>The resampling units: each account's rows together where accounts are shared, otherwise each row alone.</summary>
    private static int[][] Units(int rows, IReadOnlyList<string?>? groups)
    {
        if (groups is null || groups.Count != rows)
        {
            return [.. Enumerable.Range(0, rows).Select(i => new[] { i })];
        }
        return [.. Enumerable.Range(0, rows)
            .GroupBy(i => groups[i] is { Length: > 0 } g ? "a:" + g : "r:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .OrderBy(u => u[0])];
    }

    /// <summary>
    /// Percentile intervals of ROC AUC and PR-AUC over stratified resamples of the units (rows, or accounts): units with a
    /// positive drawn from those, the others from the others, as the split held them out.
    /// </summary>
    private static (Interval95 Auc, Interval95 PrAuc) Bootstrap(float[] scores, float[] labels, int[][] units, int resamples, int seed)
    {
        var aucs = new List<double>(resamples);
        var prAucs = new List<double>(resamples);
        Resample(labels, units, resamples, seed, rows =>
        {
            float[] sa = [.. rows.Select(i => scores[i])], ya = [.. rows.Select(i => labels[i])];
            aucs.Add(ClassificationMetrics.RocAuc(sa, ya));
            prAucs.Add(ClassificationMetrics.PrAucOf(sa, ya));
        });
        return (Percentiles(aucs), Percentiles(prAucs));
    }

    /// <summary>
    /// The 95% interval of ROC AUC(<paramref name="scores"/>) − ROC AUC(<paramref name="other"/>) on the same holdout: a
    /// paired bootstrap, both rankings measured on each resample (the same resamples, seed for seed, as
    /// <see cref="Compute"/>'s), so the noise the two share (which customers happen to be held out) cancels and the interval
    /// is of the gap alone. Whole accounts are resampled where rows share accounts, as in <see cref="Compute"/>.
    /// </summary>
    public static Interval95 AucDifference(ReadOnlySpan<float> scores, ReadOnlySpan<float> other, ReadOnlySpan<float> labels,
        int resamples = DefaultResamples, int seed = 1, IReadOnlyList<string?>? groups = null)
    {
        float[] a = scores.ToArray(), b = other.ToArray(), y = labels.ToArray();
        var gaps = new List<double>(resamples);
        Resample(y, Units(y.Length, groups), resamples, seed, rows =>
        {
            float[] ya = [.. rows.Select(i => y[i])];
            gaps.Add(ClassificationMetrics.RocAuc([.. rows.Select(i => a[i])], ya) - ClassificationMetrics.RocAuc([.. rows.Select(i => b[i])], ya));
        });
        return Percentiles(gaps);
    }

    /// <summary>
    /// Stratified resamples of the units, each handed over as the rows drawn: units with a positive drawn from those, the
    /// others from the others, as the split held them out. None when a class is missing (no interval then).
    /// </summary>
    private static void Resample(float[] labels, int[][] units, int resamples, int seed, Action<List<int>> measure)
    {
        var positives = units.Where(u => u.Any(i => labels[i] > 0.5f)).ToArray();
        var negatives = units.Where(u => u.All(i => labels[i] <= 0.5f)).ToArray();
        if (positives.Length == 0 || negatives.Length == 0 || resamples <= 0)
        {
            return;
        }
        var random = new Random(seed);
        var rows = new List<int>(labels.Length * 2);
        for (int b = 0; b < resamples; b++)
        {
            rows.Clear();
            foreach (var pool in new[] { positives, negatives })
            {
                for (int k = 0; k < pool.Length; k++)
                {
                    rows.AddRange(pool[random.Next(pool.Length)]);
                }
            }
            measure(rows);
        }
    }

    private static Interval95 Percentiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Interval95(double.NaN, double.NaN);
        }
        values.Sort();
        return new Interval95(values[(int)(0.025 * (values.Count - 1))], values[(int)Math.Ceiling(0.975 * (values.Count - 1))]);
    }
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
