using System.Text.Json.Serialization;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Uplift;

/// <summary>How an effect was measured; written "randomisedHoldout" or "doublyRobust".</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EffectDesign>))]
public enum EffectDesign
{
    /// <summary>A randomised holdout: the kind's treatment arm against its control arm, a difference in churn rates.</summary>
    RandomisedHoldout,
    /// <summary>No control arm: a doubly robust (AIPW) estimate over the features, cross-fitted, with trimmed propensities.</summary>
    DoublyRobust,
}

/// <summary>Whether treated and comparison customers look alike enough to compare (observational estimates only).</summary>
/// <param name="Trimmed">Customers left out because their propensity was below <paramref name="TrimBelow"/> or above 1 minus it.</param>
/// <param name="TreatedMedian">The median propensity of the treated; <paramref name="ComparisonMedian"/> of the rest.</param>
/// <param name="CommonSupport">The share of customers inside the range both groups' propensities cover.</param>
public sealed record Overlap(double TrimBelow, int Trimmed, double TreatedMedian, double ComparisonMedian, double CommonSupport);

/// <summary>
/// The measured effect of one intervention kind: the reduction in the probability of churning within the horizon when
/// the intervention comes at the as-of date (0.05 = 5 points fewer churners per 100 contacted), with its 95% interval.
/// </summary>
/// <param name="Effect">Null when the data is too small to say (<paramref name="TooSmall"/> says why).</param>
/// <param name="Naive">Churn rate of the comparison minus that of the treated, unadjusted: what a dashboard would show (null without a comparison).</param>
public sealed record InterventionEffect(
    string Kind,
    EffectDesign Design,
    int Treated,
    int Comparison,
    double? TreatedChurnRate,
    double? ComparisonChurnRate,
    double? Effect,
    Interval95? Interval,
    double? Naive,
    Overlap? Overlap,
    string? TooSmall)
{
    /// <summary>Whether the interval excludes no effect: the kind helps (above 0) or harms (below 0), as far as the data can tell.</summary>
    [JsonIgnore]
    public bool Clear => Interval is { } i && (i.Low > 0 || i.High < 0);
}

/// <summary>The two effect estimators: the randomised difference and the doubly robust observational one.</summary>
internal static class EffectEstimates
{
    internal const double Z = 1.959964;

    /// <summary>
    /// Control churn rate minus treatment churn rate. Customers of one account churn together, so where they share
    /// accounts the interval is a bootstrap over accounts (percentiles); otherwise Newcombe's hybrid score interval, which
    /// behaves at rates near 0 and for small arms where the normal one does not.
    /// </summary>
    public static (double Effect, Interval95 Interval) Randomised(Exposure e, UpliftOptions options)
    {
        var (pc, nc, pt, nt) = Rates(e, Enumerable.Range(0, e.Rows.Length));
        double effect = pc - pt;
        bool shared = e.Groups.Distinct(StringComparer.Ordinal).Count() < e.Groups.Length;
        return (effect, shared ? AccountBootstrap(e, options) : Newcombe(pc, nc, pt, nt));
    }

    internal static Interval95 Newcombe(double pc, int nc, double pt, int nt)
    {
        var c = Wilson((int)Math.Round(pc * nc), nc);
        var t = Wilson((int)Math.Round(pt * nt), nt);
        double d = pc - pt;
        return new Interval95(d - Math.Sqrt(Sq(pc - c.Low) + Sq(t.High - pt)), d + Math.Sqrt(Sq(c.High - pc) + Sq(pt - t.Low)));
    }

    /// <summary>Wilson's score interval of a share at 95%.</summary>
    private static Interval95 Wilson(int hits, int n)
    {
        double p = (double)hits / n, z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new Interval95(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private static double Sq(double x) => x * x;

    private static Interval95 AccountBootstrap(Exposure e, UpliftOptions options)
    {
        var units = Enumerable.Range(0, e.Rows.Length).GroupBy(i => e.Groups[i], StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        var random = new Random(options.Seed + 101);
        var differences = new List<double>(options.Resamples);
        var drawn = new List<int>(e.Rows.Length);
        for (int b = 0; b < options.Resamples; b++)
        {
            drawn.Clear();
            for (int u = 0; u < units.Length; u++)
            {
                drawn.AddRange(units[random.Next(units.Length)]);
            }
            var (pc, nc, pt, nt) = Rates(e, drawn);
            if (nc > 0 && nt > 0)
            {
                differences.Add(pc - pt);
            }
        }
        return HoldoutBootstrap.Percentiles([.. differences]);
    }

    /// <summary>Churn rate and count of the comparison, then of the treated, over the given positions.</summary>
    public static (double Comparison, int ComparisonCount, double Treated, int TreatedCount) Rates(Exposure e, IEnumerable<int> positions)
    {
        int nc = 0, nt = 0;
        double yc = 0, yt = 0;
        foreach (int i in positions)
        {
            if (e.Treated[i])
            {
                nt++;
                yt += e.Churned[i];
            }
            else
            {
                nc++;
                yc += e.Churned[i];
            }
        }
        return (nc == 0 ? double.NaN : yc / nc, nc, nt == 0 ? double.NaN : yt / nt, nt);
    }

    /// <summary>
    /// The AIPW score of each position: μ0 − μ1 + (1 − T)(Y − μ0)/(1 − e) − T(Y − μ1)/e, an unbiased score of the
    /// customer's reduction in churn risk when either the propensity or the outcome models are right.
    /// </summary>
    public static double Score(bool treated, double y, double e, double mu0, double mu1) =>
        mu0 - mu1 + (treated ? 0 : (y - mu0) / (1 - e)) - (treated ? (y - mu1) / e : 0);

    /// <summary>The mean of the scores with an interval from their account-clustered standard error.</summary>
    public static (double Effect, Interval95 Interval) Mean(IReadOnlyList<double> scores, IReadOnlyList<string> groups)
    {
        var (mean, se) = MeanAndError(scores, groups);
        return (mean, new Interval95(mean - Z * se, mean + Z * se));
    }

    /// <summary>The mean of the scores and its account-clustered standard error.</summary>
    public static (double Mean, double StandardError) MeanAndError(IReadOnlyList<double> scores, IReadOnlyList<string> groups)
    {
        double mean = scores.Average();
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < scores.Count; i++)
        {
            sums[groups[i]] = sums.GetValueOrDefault(groups[i]) + scores[i] - mean;
        }
        return (mean, Math.Sqrt(sums.Values.Sum(s => s * s)) / scores.Count);
    }
}
