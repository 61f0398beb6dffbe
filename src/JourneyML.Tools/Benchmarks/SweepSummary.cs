using System.Globalization;

namespace JourneyML.Tools.Benchmarks;

/// <summary>One seed's figures for one task: the chosen model's test ROC AUC and every hand-tried configuration's (<see cref="SweepCheck.Yardstick"/> order).</summary>
public sealed record SweepSeedResult(int Seed, string Task, double ChosenAuc, double[] YardstickAuc);

/// <summary>
/// The within-0.005 bar judged over several seeds of one world. On a few hundred customers one seed cannot judge it: the
/// chosen model and the best configuration move by a few hundredths from one training draw to the next, and "the best of
/// about 30 configurations on this draw" is the maximum of noisy figures. So the yardstick is one fixed configuration, the
/// one with the highest mean test ROC AUC over the seeds, and the gap is paired per seed (same training rows, same test
/// table), with a t interval over the seeds.
/// </summary>
public sealed record SweepSummary(string World, string Task, int Seeds, double ChosenMean, string BestFixed, double BestFixedMean,
    double GapMean, double GapLow, double GapHigh, double PerSeedBestGapMean)
{
    public bool Met => GapMean <= SweepCheckRow.Bar;

    public static List<SweepSummary> Pool(string world, IReadOnlyList<SweepSeedResult> results) =>
    [
        .. results.GroupBy(r => r.Task).Where(g => g.Count() >= 2).Select(g => Of(world, g.Key, [.. g])),
    ];

    private static SweepSummary Of(string world, string task, IReadOnlyList<SweepSeedResult> seeds)
    {
        int configurations = seeds[0].YardstickAuc.Length;
        int best = Enumerable.Range(0, configurations).OrderByDescending(c => seeds.Average(s => s.YardstickAuc[c])).ThenBy(c => c).First();
        var gaps = seeds.Select(s => s.YardstickAuc[best] - s.ChosenAuc).ToArray();
        double mean = gaps.Average();
        double sd = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1));
        double half = StudentT975(gaps.Length - 1) * sd / Math.Sqrt(gaps.Length);
        return new SweepSummary(world, task, seeds.Count, seeds.Average(s => s.ChosenAuc), SweepCheck.Yardstick[best].Describe(),
            seeds.Average(s => s.YardstickAuc[best]), mean, mean - half, mean + half, seeds.Average(s => s.YardstickAuc.Max() - s.ChosenAuc));
    }

    /// <summary>
    /// The <paramref name="top"/> fixed configurations by mean test ROC AUC over the seeds, per task, beside the chosen
    /// model's mean: which configuration a person would have picked by hand, and by how much (logged, not judged).
    /// </summary>
    public static IEnumerable<string> Ranking(string world, IReadOnlyList<SweepSeedResult> results, int top) =>
        results.GroupBy(r => r.Task).Where(g => g.Count() >= 2).SelectMany(g =>
            Enumerable.Range(0, g.First().YardstickAuc.Length)
                .Select(c => (Spec: SweepCheck.Yardstick[c].Describe(), Mean: g.Average(s => s.YardstickAuc[c])))
                .OrderByDescending(x => x.Mean).Take(top)
                .Select((x, i) => string.Create(CultureInfo.InvariantCulture,
                    $"{world} {g.Key} #{i + 1}: {x.Spec} mean test ROC AUC {x.Mean:F3} (chosen {g.Average(s => s.ChosenAuc):F3})")));

    /// <summary>The 97.5% quantile of Student's t (two-sided 95% interval), tabulated to 30 degrees of freedom, 1.96 beyond.</summary>
    internal static double StudentT975(int degreesOfFreedom)
    {
        double[] table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        return degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= table.Length ? table[degreesOfFreedom - 1] : 1.96;
    }

    public static string Header =>
        "| World | Task | Seeds | Chosen (mean test ROC AUC) | Best fixed configuration | Its mean | Paired gap (95% CI over seeds) | Within 0.005 | Gap to each seed's best (optimistic) |\n" +
        "|---|---|---:|---:|---|---:|---:|---|---:|";

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"| {World} | {Task} | {Seeds} | {ChosenMean:F3} | {BestFixed} | {BestFixedMean:F3} | {GapMean:+0.000;-0.000;0.000} [{GapLow:+0.000;-0.000;0.000}, {GapHigh:+0.000;-0.000;0.000}] | " +
        $"{(Met ? "yes" : "no")}{(GapLow <= SweepCheckRow.Bar && SweepCheckRow.Bar <= GapHigh ? " (the interval holds 0.005)" : "")} | {PerSeedBestGapMean:+0.000;-0.000;0.000} |");
}
