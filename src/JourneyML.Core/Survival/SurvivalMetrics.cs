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
    /// <remarks>
    /// A resample is held as how many times each row was drawn, and every metric is a weighted sum over rows sorted once:
    /// the same figures as measuring the drawn rows one by one, without sorting them again 200 times (which at 100,000
    /// customers took longer than fitting the model).
    /// </remarks>
    public static SurvivalMetrics Compute(IReadOnlyList<SurvivalCurve> curves, IReadOnlyList<ObservedTime> observed, KaplanMeier baseline,
        IReadOnlyList<string> clusters, int seed)
    {
        int tau = Horizon(observed);
        var holdout = new ScoredRows(curves, observed, tau);
        var point = Measure(holdout, Ones(observed.Count), baseline, tau);
        var units = clusters.Select((c, i) => (c, i)).GroupBy(x => x.c, StringComparer.Ordinal).Select(g => g.Select(x => x.i).ToArray()).ToArray();
        var random = new Random(seed + 101);
        var draws = new int[Resamples][];
        for (int b = 0; b < Resamples; b++)
        {
            var counts = new int[observed.Count];
            for (int u = 0; u < units.Length; u++)
            {
                foreach (int row in units[random.Next(units.Length)])
                {
                    counts[row]++;
                }
            }
            draws[b] = counts;
        }
        var measured = new double[Resamples][];
        Parallel.For(0, Resamples, b => measured[b] = Measure(holdout, draws[b], baseline, tau));
        var samples = Enumerable.Range(0, point.Length).Select(m => measured.Select(v => v[m]).Where(v => !double.IsNaN(v)).ToList()).ToArray();
        SurvivalMetric Metric(int m) => new(point[m], Percentiles(samples[m]));
        var all = Ones(observed.Count);
        var calibration = CalibrationDays.Select((d, i) => new SurvivalCalibration(d, Metric(4 + i), d <= tau ? Deciles(holdout, all, d) : [])).ToList();
        return new SurvivalMetrics(observed.Count, observed.Count(o => o.Churned), tau, Metric(0), Metric(1), Metric(2), Metric(3), calibration, Resamples);
    }

    private static int[] Ones(int n) => Enumerable.Repeat(1, n).ToArray();

    /// <summary>The longest of the model's days the held-out customers are followed for (at most 180).</summary>
    private static int Horizon(IReadOnlyList<ObservedTime> observed)
    {
        double longest = observed.Count == 0 ? 0 : observed.Max(o => o.Days);
        return SurvivalCurve.Days.LastOrDefault(d => d <= longest + 1e-9, SurvivalCurve.Days[0]);
    }

    /// <summary>
    /// The held-out rows prepared once for every resample: their observed times as positions among the distinct times,
    /// the rank of their predicted risk by τ, their curves at the model's days, and their order by time and by risk.
    /// </summary>
    internal sealed class ScoredRows
    {
        public ScoredRows(IReadOnlyList<SurvivalCurve> curves, IReadOnlyList<ObservedTime> observed, int tau)
            : this(curves, observed, [.. curves.Select(c => 1 - c.At(tau))])
        {
        }

        /// <param name="risk">Each row's predicted risk by τ: what concordance ranks.</param>
        public ScoredRows(IReadOnlyList<SurvivalCurve> curves, IReadOnlyList<ObservedTime> observed, double[] risk)
        {
            Observed = [.. observed];
            Times = [.. observed.Select(o => o.Days).Distinct().Order()];
            var position = Times.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
            TimeIndex = [.. observed.Select(o => position[o.Days])];
            Survival = [.. SurvivalCurve.Days.Select(d => curves.Select(c => c.At(d)).ToArray())];
            Risk = risk;
            var ranks = Risk.Distinct().Order().Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i + 1);
            RiskRank = [.. Risk.Select(r => ranks[r])];
            RiskLevels = ranks.Count;
            ByTimeDescending = [.. Enumerable.Range(0, observed.Count).OrderByDescending(i => observed[i].Days)];
            ByRiskAt = CalibrationDays.ToDictionary(d => d, d => Enumerable.Range(0, observed.Count).OrderBy(r => 1 - curves[r].At(d)).ThenBy(r => r).ToArray());
        }

        public ObservedTime[] Observed { get; }
        public double[] Times { get; }
        public int[] TimeIndex { get; }
        /// <summary>[k][i]: row i's predicted survival at <see cref="SurvivalCurve.Days"/>[k].</summary>
        public double[][] Survival { get; }
        public double[] Risk { get; }
        public int[] RiskRank { get; }
        public int RiskLevels { get; }
        public int[] ByTimeDescending { get; }
        public Dictionary<int, int[]> ByRiskAt { get; }

        public double SurvivalAt(int row, int day) => Survival[day / SurvivalCurve.PeriodDays - 1][row];

        /// <summary>The Kaplan–Meier curve (of churn, or of censoring) of the rows, each counted <paramref name="counts"/> times.</summary>
        public KaplanMeier KaplanMeierOf(int[] counts, bool censoring)
        {
            var events = new double[Times.Length];
            var leaving = new double[Times.Length];
            for (int i = 0; i < counts.Length; i++)
            {
                leaving[TimeIndex[i]] += counts[i];
                events[TimeIndex[i]] += Observed[i].Churned != censoring ? counts[i] : 0;
            }
            return JourneyML.Core.Survival.KaplanMeier.FromCounts(Times, events, leaving);
        }
    }

    /// <summary>Harrell's C, Uno's C, IBS of the curves, IBS of the baseline, calibration error at each day (NaN where not measurable).</summary>
    internal static double[] Measure(ScoredRows rows, int[] counts, KaplanMeier baseline, int tau)
    {
        var censoring = rows.KaplanMeierOf(counts, censoring: true);
        var result = new double[4 + CalibrationDays.Count];
        result[0] = Concordance(rows, counts, tau, null);
        result[1] = Concordance(rows, counts, tau, censoring);
        result[2] = IntegratedBrier(rows, counts, censoring, tau, null);
        result[3] = IntegratedBrier(rows, counts, censoring, tau, baseline);
        for (int i = 0; i < CalibrationDays.Count; i++)
        {
            int day = CalibrationDays[i];
            result[4 + i] = day <= tau ? CalibrationError(Deciles(rows, counts, day)) : double.NaN;
        }
        return result;
    }

    /// <summary>Concordance of the given risks (every row once): see the weighted form.</summary>
    internal static double Concordance(double[] risk, ObservedTime[] obs, double tau, KaplanMeier? censoring)
    {
        var curves = risk.Select(r => new SurvivalCurve([.. SurvivalCurve.Days.Select(_ => 1 - r)])).ToArray();
        return Concordance(new ScoredRows(curves, obs, risk), Ones(obs.Length), tau, censoring);
    }

    /// <summary>
    /// Concordance up to τ: of the pairs where one customer churned (at t_i ≤ τ) before the other was last seen, the share
    /// where the one who churned first had the higher predicted risk (ties in risk count half). With a censoring curve
    /// each pair is weighted by 1/G(t_i-)² (Uno et al. 2011). O(n log n): customers by time, descending, into a Fenwick
    /// tree of risk ranks; a row drawn c times counts c times on either side of a pair.
    /// </summary>
    internal static double Concordance(ScoredRows rows, int[] counts, double tau, KaplanMeier? censoring)
    {
        var obs = rows.Observed;
        var order = rows.ByTimeDescending;
        var tree = new long[rows.RiskLevels + 2];
        int n = order.Length;
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
                if (counts[i] == 0 || !obs[i].Churned || obs[i].Days > tau)
                {
                    continue;
                }
                double weight = counts[i];
                if (censoring is not null)
                {
                    double gi = censoring.Before(obs[i].Days);
                    weight = gi > 0 ? weight / (gi * gi) : 0;
                }
                int rank = rows.RiskRank[i];
                long lower = Sum(tree, rank - 1), equal = Sum(tree, rank) - lower;
                concordant += weight * (lower + 0.5 * equal);
                comparable += weight * inserted;
            }
            for (int g = k; g < end; g++)
            {
                int i = order[g];
                if (counts[i] > 0)
                {
                    Add(tree, rows.RiskRank[i], counts[i]);
                    inserted += counts[i];
                }
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

    private static void Add(long[] tree, int i, int count)
    {
        for (; i < tree.Length; i += i & -i)
        {
            tree[i] += count;
        }
    }

    /// <summary>The integrated Brier score of the given curves (every row once): see the weighted form.</summary>
    internal static double IntegratedBrier(SurvivalCurve[] curves, ObservedTime[] obs, KaplanMeier censoring, int tau, KaplanMeier? baseline) =>
        IntegratedBrier(new ScoredRows(curves, obs, tau), Ones(obs.Length), censoring, tau, baseline);

    /// <summary>
    /// The Brier score at day t with inverse-probability-of-censoring weights (Graf et al. 1999): a customer who churned by t
    /// weighs S(t)² / G(t_i-), one seen paying at t weighs (1 - S(t))² / G(t-), one censored before t is accounted for
    /// by the weights; integrated over the model's days from the first to τ (trapezoids) and divided by the span.
    /// </summary>
    internal static double IntegratedBrier(ScoredRows rows, int[] counts, KaplanMeier censoring, int tau, KaplanMeier? baseline)
    {
        var days = SurvivalCurve.Days.Where(d => d <= tau).ToArray();
        var obs = rows.Observed;
        long total = counts.Sum(c => (long)c);
        if (days.Length == 0 || total == 0)
        {
            return double.NaN;
        }
        var scores = days.Select(t =>
        {
            double sum = 0;
            // Seen paying at t (a customer censored on day t was seen paying that day): weighted by P(still followed at t).
            double gt = censoring.Before(t);
            double? flat = baseline?.At(t);
            for (int i = 0; i < obs.Length; i++)
            {
                if (counts[i] == 0)
                {
                    continue;
                }
                double s = flat ?? rows.SurvivalAt(i, t);
                if (obs[i].Churned && obs[i].Days <= t)
                {
                    double gi = censoring.Before(obs[i].Days);
                    sum += gi > 0 ? counts[i] * s * s / gi : 0;
                }
                else if (obs[i].Days > t || (!obs[i].Churned && obs[i].Days == t))
                {
                    sum += gt > 0 ? counts[i] * (1 - s) * (1 - s) / gt : 0;
                }
            }
            return sum / total;
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

    /// <summary>
    /// Deciles of predicted risk by day t, each with its Kaplan–Meier observed risk by t: the drawn rows in order of risk
    /// (ties by row), cut into ten equal runs; a row drawn several times may straddle two deciles, as its copies would.
    /// </summary>
    internal static List<SurvivalDecile> Deciles(ScoredRows rows, int[] counts, int day)
    {
        long n = counts.Sum(c => (long)c);
        int groups = (int)Math.Min(10, n);
        var deciles = new List<SurvivalDecile>(groups);
        var events = new double[rows.Times.Length];
        var leaving = new double[rows.Times.Length];
        int d = 0;
        long position = 0, members = 0;
        double risk = 0;
        foreach (int r in rows.ByRiskAt[day])
        {
            long copies = counts[r];
            while (copies > 0 && d < groups)
            {
                long end = (d + 1) * n / groups;
                long take = Math.Min(copies, end - position);
                members += take;
                risk += take * (1 - rows.SurvivalAt(r, day));
                leaving[rows.TimeIndex[r]] += take;
                events[rows.TimeIndex[r]] += rows.Observed[r].Churned ? take : 0;
                position += take;
                copies -= take;
                if (position == end)
                {
                    var km = KaplanMeier.FromCounts(rows.Times, events, leaving);
                    deciles.Add(new SurvivalDecile(d + 1, (int)members, risk / members, 1 - km.At(day)));
                    Array.Clear(events);
                    Array.Clear(leaving);
                    (members, risk) = (0, 0);
                    d++;
                }
            }
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
