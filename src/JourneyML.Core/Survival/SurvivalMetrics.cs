using JourneyML.Core.Prediction;

namespace JourneyML.Core.Survival;

/// <summary>A metric on the holdout with its 95% bootstrap interval (resampling customers).</summary>
public sealed record SurvivalMetric(double Value, Interval95 Interval);

/// <summary>One decile of predicted churn risk by a day: the mean predicted risk against the Kaplan–Meier observed risk of its customers.</summary>
public sealed record SurvivalDecile(int Decile, int Customers, double Predicted, double Observed);

/// <summary>Calibration at one day: the deciles and their mean absolute gap between predicted and observed risk (weighted by customers).</summary>
public sealed record SurvivalCalibration(int Days, SurvivalMetric Error, IReadOnlyList<SurvivalDecile> Deciles);

/// <summary>
/// How well the survival curves of held-out customers match what happened to them: concordance (Harrell's C; Uno's C,
/// weighted by the inverse of the censoring distribution, which Harrell's is biased without), the integrated Brier score of
/// the curves and of one Kaplan–Meier curve for everyone (the baseline the model must beat), and calibration by decile.
/// </summary>
/// <param name="Customers">Held-out (customer, as-of date) pairs measured.</param>
/// <param name="HorizonDays">The horizon τ of the concordance and the end of the Brier integral (the longest horizon the data follows).</param>
public sealed record SurvivalMetrics(int Customers, int Churned, int HorizonDays, SurvivalMetric HarrellC, SurvivalMetric UnoC,
    SurvivalMetric IntegratedBrier, SurvivalMetric KaplanMeierBrier, IReadOnlyList<SurvivalCalibration> Calibration, int Resamples)
{
    /// <summary>1 - IBS(model) / IBS(Kaplan–Meier): the share of the baseline's error the curves remove (0 = no better than one curve for all).</summary>
    public double BrierSkill => KaplanMeierBrier.Value > 0 ? 1 - IntegratedBrier.Value / KaplanMeierBrier.Value : double.NaN;
}

/// <summary>The survival metrics and their bootstrap intervals.</summary>
public static class SurvivalScores
{
    public const int Resamples = 200;

    /// <summary>The days calibration is reported at.</summary>
    public static IReadOnlyList<int> CalibrationDays { get; } = [30, 90, 180];

    /// <param name="curves">Each customer's predicted survival at <see cref="SurvivalCurve.Days"/>.</param>
    /// <param name="baseline">The Kaplan–Meier curve of the training customers: the baseline of the Brier score.</param>
    /// <param name="clusters">The unit a bootstrap resamples (a customer's several as-of dates, or an account), per row.</param>
    public static SurvivalMetrics Compute(IReadOnlyList<SurvivalCurve> curves, IReadOnlyList<ObservedTime> observed, KaplanMeier baseline,
        IReadOnlyList<string> clusters, int seed)
    {
        int tau = Horizon(observed);
        var all = Enumerable.Range(0, observed.Count).ToArray();
        var point = Measure(curves, observed, baseline, all, tau);
        var samples = Enumerable.Range(0, point.Length).Select(_ => new List<double>()).ToArray();
        var units = clusters.Select((c, i) => (c, i)).GroupBy(x => x.c, StringComparer.Ordinal).Select(g => g.Select(x => x.i).ToArray()).ToArray();
        var random = new Random(seed + 101);
        for (int b = 0; b < Resamples; b++)
        {
            var rows = new List<int>(observed.Count);
            for (int u = 0; u < units.Length; u++)
            {
                rows.AddRange(units[random.Next(units.Length)]);
            }
            var values = Measure(curves, observed, baseline, [.. rows], tau);
            for (int m = 0; m < values.Length; m++)
            {
                if (!double.IsNaN(values[m]))
                {
                    samples[m].Add(values[m]);
                }
            }
        }
        SurvivalMetric Metric(int m) => new(point[m], Percentiles(samples[m]));
        var calibration = CalibrationDays.Select((d, i) => new SurvivalCalibration(d, Metric(4 + i), d <= tau ? Deciles(curves, observed, all, d) : [])).ToList();
        return new SurvivalMetrics(observed.Count, observed.Count(o => o.Churned), tau, Metric(0), Metric(1), Metric(2), Metric(3), calibration, Resamples);
    }

    /// <summary>The longest of the model's days the held-out customers are followed for (at most 180).</summary>
    private static int Horizon(IReadOnlyList<ObservedTime> observed)
    {
        double longest = observed.Count == 0 ? 0 : observed.Max(o => o.Days);
        return SurvivalCurve.Days.LastOrDefault(d => d <= longest + 1e-9, SurvivalCurve.Days[0]);
    }

    /// <summary>Harrell's C, Uno's C, IBS of the curves, IBS of the baseline, calibration error at each day (NaN where not measurable).</summary>
    private static double[] Measure(IReadOnlyList<SurvivalCurve> curves, IReadOnlyList<ObservedTime> observed, KaplanMeier baseline, int[] rows, int tau)
    {
        var obs = rows.Select(r => observed[r]).ToArray();
        var censoring = KaplanMeier.Censoring(obs);
        var risk = rows.Select(r => 1 - curves[r].At(tau)).ToArray();
        var result = new double[4 + CalibrationDays.Count];
        result[0] = Concordance(risk, obs, tau, null);
        result[1] = Concordance(risk, obs, tau, censoring);
        result[2] = IntegratedBrier(rows.Select(r => curves[r]).ToArray(), obs, censoring, tau, null);
        result[3] = IntegratedBrier(rows.Select(r => curves[r]).ToArray(), obs, censoring, tau, baseline);
        for (int i = 0; i < CalibrationDays.Count; i++)
        {
            int day = CalibrationDays[i];
            result[4 + i] = day <= tau ? CalibrationError(Deciles(curves, observed, rows, day)) : double.NaN;
        }
        return result;
    }

    /// <summary>
    /// Concordance up to τ: of the pairs where one customer churned (at t_i ≤ τ) before the other was last seen, the share
    /// where the one who churned first had the higher predicted risk (ties in risk count half). With a censoring curve
    /// each pair is weighted by 1/G(t_i-)² (Uno et al. 2011). O(n log n): customers by time, descending, into a Fenwick tree of risk ranks.
    /// </summary>
    internal static double Concordance(double[] risk, ObservedTime[] obs, double tau, KaplanMeier? censoring)
    {
        int n = risk.Length;
        var ranks = risk.Distinct().Order().Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i + 1);
        var tree = new long[ranks.Count + 2];
        var order = Enumerable.Range(0, n).OrderByDescending(i => obs[i].Days).ToArray();
        double concordant = 0, comparable = 0;
        long inserted = 0;
        int k = 0;
        while (k < n)
        {
            // Everyone seen at the same time goes in after the group is scored: only strictly later times are compared.
            int end = k;
            while (end < n && obs[order[end]].Days == obs[order[k]].Days)
            {
                end++;
            }
            for (int g = k; g < end; g++)
            {
                int i = order[g];
                if (!obs[i].Churned || obs[i].Days > tau)
                {
                    continue;
                }
                double weight = 1;
                if (censoring is not null)
                {
                    double gi = censoring.Before(obs[i].Days);
                    weight = gi > 0 ? 1 / (gi * gi) : 0;
                }
                int rank = ranks[risk[i]];
                long lower = Sum(tree, rank - 1), equal = Sum(tree, rank) - lower;
                concordant += weight * (lower + 0.5 * equal);
                comparable += weight * inserted;
            }
            for (int g = k; g < end; g++)
            {
                Add(tree, ranks[risk[order[g]]]);
                inserted++;
            }
            k = end;
        }
        return comparable > 0 ? concordant / comparable : double.NaN;
    }

    private static long Sum(long[] tree, int i)
    {
        long s = 0;
        for (; i > 0; i -= i & -i)
        {
            s += tree[i];
        }
        return s;
    }

    private static void Add(long[] tree, int i)
    {
        for (; i < tree.Length; i += i & -i)
        {
            tree[i]++;
        }
    }

    /// <summary>
    /// The Brier score at day t with inverse-probability-of-censoring weights (Graf et al. 1999): a customer who churned by t
    /// weighs S(t)² / G(t_i-), one seen paying at t weighs (1 - S(t))² / G(t-), one censored before t is accounted for
    /// by the weights; integrated over the model's days from the first to τ (trapezoids) and divided by the span.
    /// </summary>
    internal static double IntegratedBrier(SurvivalCurve[] curves, ObservedTime[] obs, KaplanMeier censoring, int tau, KaplanMeier? baseline)
    {
        var days = SurvivalCurve.Days.Where(d => d <= tau).ToArray();
        if (days.Length == 0 || obs.Length == 0)
        {
            return double.NaN;
        }
        var scores = days.Select(t =>
        {
            double sum = 0;
            // Seen paying at t (a customer censored on day t was seen paying that day): weighted by P(still followed at t).
            double gt = censoring.Before(t);
            for (int i = 0; i < obs.Length; i++)
            {
                double s = baseline?.At(t) ?? curves[i].At(t);
                if (obs[i].Churned && obs[i].Days <= t)
                {
                    double gi = censoring.Before(obs[i].Days);
                    sum += gi > 0 ? s * s / gi : 0;
                }
                else if (obs[i].Days > t || (!obs[i].Churned && obs[i].Days == t))
                {
                    sum += gt > 0 ? (1 - s) * (1 - s) / gt : 0;
                }
            }
            return sum / obs.Length;
        }).ToArray();
        if (days.Length == 1)
        {
            return scores[0];
        }
        double area = 0;
        for (int i = 1; i < days.Length; i++)
        {
            area += (scores[i] + scores[i - 1]) / 2 * (days[i] - days[i - 1]);
        }
        return area / (days[^1] - days[0]);
    }

    /// <summary>Deciles of predicted risk by day t, each with its Kaplan–Meier observed risk by t.</summary>
    internal static List<SurvivalDecile> Deciles(IReadOnlyList<SurvivalCurve> curves, IReadOnlyList<ObservedTime> observed, int[] rows, int day)
    {
        var ordered = rows.OrderBy(r => 1 - curves[r].At(day)).ThenBy(r => r).ToArray();
        var deciles = new List<SurvivalDecile>();
        int groups = Math.Min(10, ordered.Length);
        for (int d = 0; d < groups; d++)
        {
            var members = ordered[(d * ordered.Length / groups)..((d + 1) * ordered.Length / groups)];
            if (members.Length == 0)
            {
                continue;
            }
            var km = KaplanMeier.Survival([.. members.Select(r => observed[r])]);
            deciles.Add(new SurvivalDecile(d + 1, members.Length, members.Average(r => 1 - curves[r].At(day)), 1 - km.At(day)));
        }
        return deciles;
    }

    private static double CalibrationError(List<SurvivalDecile> deciles)
    {
        int total = deciles.Sum(d => d.Customers);
        return total == 0 ? double.NaN : deciles.Sum(d => d.Customers * Math.Abs(d.Predicted - d.Observed)) / total;
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
