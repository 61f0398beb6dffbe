using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging;

namespace JourneyML.Tools.Benchmarks;

/// <summary>Settings of <c>bench coverage</c>.</summary>
internal sealed record CoverageBenchOptions
{
    public required GeneratorWorld World { get; init; }
    /// <summary>Independent runs: each generates the world with its own seed, trains, and checks its holdout's interval.</summary>
    public int Runs { get; init; } = 20;
    /// <summary>Customers of each run; null: the world's default.</summary>
    public int? Customers { get; init; }
    /// <summary>Customers of the fresh population each run's model is scored on (the interval's own target), as a multiple of <see cref="Customers"/>.</summary>
    public int FreshMultiple { get; init; } = 4;
    public int Seed { get; init; } = 1;
    /// <summary>Train one fixed trainer instead of the product's sweep (quicker; the interval does not depend on the trainer).</summary>
    public bool SingleTrainer { get; init; } = true;
    public required string WorkDirectory { get; init; }
}

/// <summary>One run's model: its holdout ROC AUC interval and the two AUCs it is held against.</summary>
internal sealed record CoverageRun(int Seed, string Task, int HoldoutRows, int HoldoutPositives, double HoldoutAuc, Interval95 Interval, double OracleAuc, double FreshAuc)
{
    /// <summary>The promotion floor's verdict on this run's model (its paired gap to the best single feature on the holdout).</summary>
    public FloorCheck? Floor { get; init; }
    /// <summary>The model's fresh AUC minus the same feature's (same direction, fitted on the run's training rows): the gap the floor's interval estimates.</summary>
    public double FreshGap { get; init; } = double.NaN;
    /// <summary>The floor's gap interval covers the fresh gap.</summary>
    public bool GapCoversFresh => Floor?.BaselineGapInterval is { } g && g.Low <= FreshGap && FreshGap <= g.High;
    /// <summary>"withheld", "within noise" or "passed": what the floor did with the model.</summary>
    public string Verdict => Floor is not { } f ? "-" : !f.Passed ? "withheld" : f.WithinNoiseOfBaseline ? "within noise" : "passed";

    /// <summary>The interval covers the oracle's AUC on the same holdout (the planted probabilities as scores).</summary>
    public bool CoversOracle => Interval.Low <= OracleAuc && OracleAuc <= Interval.High;
    /// <summary>The interval covers the model's AUC on a fresh population of the same world: what the holdout estimates.</summary>
    public bool CoversFresh => Interval.Low <= FreshAuc && FreshAuc <= Interval.High;
}

/// <summary>
/// <c>bench coverage</c>: how often the holdout's stated 95% ROC AUC interval (<see cref="HoldoutIntervals"/>) covers
/// the truth over repeated generated runs. Two truths: the oracle's AUC on the same holdout (the planted probabilities
/// scored as a model), which the issue names, and the model's own AUC on a fresh, larger population from the same world,
/// which is what a holdout interval estimates. A model below the oracle makes the first lower than 95% by design.
/// </summary>
internal static class CoverageBench
{
    public static IReadOnlyList<CoverageRun> Run(CoverageBenchOptions options, ILogger logger, Action<string> print, CancellationToken cancellationToken)
    {
        var runs = new List<CoverageRun>();
        for (int i = 0; i < options.Runs; i++)
        {
            int seed = options.Seed + i;
            foreach (var run in Measure(options, seed, logger, cancellationToken))
            {
                print($"  seed {run.Seed,3} {run.Task,-5} holdout {run.HoldoutRows,5:N0} ({run.HoldoutPositives,4:N0} positive): AUC {run.HoldoutAuc:F3} " +
                    $"[{run.Interval.Low:F3}, {run.Interval.High:F3}]  oracle {run.OracleAuc:F3} {(run.CoversOracle ? "in " : "OUT")}  fresh {run.FreshAuc:F3} {(run.CoversFresh ? "in " : "OUT")}" +
                    $"  floor: {run.Verdict}{GapText(run)}");
                runs.Add(run);
            }
        }
        return runs;
    }

    public static IEnumerable<string> Summary(IReadOnlyList<CoverageRun> runs)
    {
        foreach (var task in runs.GroupBy(r => r.Task))
        {
            int n = task.Count(), oracle = task.Count(r => r.CoversOracle), fresh = task.Count(r => r.CoversFresh);
            var oracleShare = HoldoutIntervals.Wilson(oracle, n);
            var freshShare = HoldoutIntervals.Wilson(fresh, n);
            yield return $"{task.Key}: the stated 95% interval covers the oracle's holdout AUC in {oracle} of {n} runs ({(double)oracle / n:0%}; 95% CI {oracleShare.Low:0%}–{oracleShare.High:0%}) " +
                $"and the model's AUC on a fresh population in {fresh} of {n} ({(double)fresh / n:0%}; 95% CI {freshShare.Low:0%}–{freshShare.High:0%}); " +
                $"mean width {task.Average(r => r.Interval.Width):F3}";
            var gaps = task.Where(r => r.Floor?.BaselineGapInterval is not null).ToList();
            if (gaps.Count > 0)
            {
                int covered = gaps.Count(r => r.GapCoversFresh);
                var share = HoldoutIntervals.Wilson(covered, gaps.Count);
                yield return $"{task.Key}: promotion floor: withheld in {task.Count(r => r.Verdict == "withheld")} of {n} runs, within noise of the best single feature in " +
                    $"{task.Count(r => r.Verdict == "within noise")}, above it beyond noise in {task.Count(r => r.Verdict == "passed")}; the gap's 95% interval (model − feature) covers " +
                    $"the fresh population's gap in {covered} of {gaps.Count} ({(double)covered / gaps.Count:0%}; 95% CI {share.Low:0%}–{share.High:0%}); the model is below the feature on fresh customers in " +
                    $"{gaps.Count(r => r.FreshGap < 0)} of {gaps.Count}";
            }
        }
    }

    private static string GapText(CoverageRun run) => run.Floor is { BaselineGap: { } gap, BaselineGapInterval: { } g } f
        ? FormattableString.Invariant($" vs {f.Baseline!.Feature}: gap {gap:+0.000;-0.000} [{g.Low:F3}, {g.High:F3}], fresh gap {run.FreshGap:+0.000;-0.000} {(run.GapCoversFresh ? "in" : "OUT")}")
        : "";

    private static IEnumerable<CoverageRun> Measure(CoverageBenchOptions options, int seed, ILogger logger, CancellationToken cancellationToken)
    {
        int customers = options.Customers ?? GeneratorWorlds.DefaultCustomers(options.World);
        var (table, truth) = Generate(options, customers, seed, $"run-{seed}", logger, cancellationToken);
        var (fresh, _) = Generate(options, customers * options.FreshMultiple, seed + 100_000, $"fresh-{seed}", logger, cancellationToken);
        foreach (var task in new[] { PredictionTask.Churn, PredictionTask.Lead })
        {
            if (!table.Labels.TryGetValue(task.Label, out var labels) || !fresh.Labels.TryGetValue(task.Label, out var freshLabels))
            {
                continue;
            }
            var rows = Labelled(table, task, labels);
            if (rows.Count(r => labels[r] == 1) < 10 || rows.Count(r => labels[r] == 0) < 10)
            {
                continue;
            }
            var result = ClassifierTraining.Train(table, task, rows, new ClassifierOptions
            {
                Seed = options.Seed,
                Candidates = options.SingleTrainer ? [CandidateSpec.Default] : CandidateSpec.DefaultSweep,
            }, task == PredictionTask.Churn ? truth.ChurnProbability : truth.ConversionProbability, cancellationToken);
            var holdoutTruth = result.HoldoutRows.Select(r => labels[r]).ToArray();
            var intervals = HoldoutIntervals.Compute(result.HoldoutPredictions, holdoutTruth,
                groups: table.AccountIds is { } ids ? result.HoldoutRows.Select(r => ids[r]).ToArray() : null);
            var freshRows = Labelled(fresh, task, freshLabels);
            var freshTruth = freshRows.Select(r => freshLabels[r]).ToArray();
            double freshAuc = ClassificationMetrics.RocAuc(result.Model.Predict(fresh, freshRows), freshTruth);
            // The floor as training applies it, and the same single feature (fitted on this run's training rows) on the fresh customers.
            var floor = PromotionFloor.Assess(table, result).Floor;
            var baseline = SingleFeatureBaseline.Scored(table, result.Model.Vectorizer.Features, labels, result.TrainRows, result.HoldoutRows);
            double freshGap = baseline is null ? double.NaN : freshAuc - ClassificationMetrics.RocAuc([.. freshRows.Select(r => baseline.Score(fresh, r))], freshTruth);
            yield return new CoverageRun(seed, task.Name, holdoutTruth.Length, holdoutTruth.Count(y => y == 1), result.Holdout.Auc, intervals.Auc,
                result.OracleAuc ?? double.NaN, freshAuc) { Floor = floor, FreshGap = freshGap };
        }
    }

    private static int[] Labelled(FeatureTable table, PredictionTask task, float[] labels) =>
        [.. Enumerable.Range(0, table.RowCount).Where(r => (table.Status is null || table.Status[r] == task.Population) && !float.IsNaN(labels[r]))];

    private static (FeatureTable Table, KnownTruthRows Truth) Generate(CoverageBenchOptions options, int customers, int seed, string name,
        ILogger logger, CancellationToken cancellationToken)
    {
        var data = Path.Combine(options.WorkDirectory, name);
        var generator = new GeneratorOptions { World = options.World, Customers = customers, Seed = seed };
        new SampleGenerator(generator).Generate(data, cancellationToken: cancellationToken);
        var table = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, AsOf = generator.ReferenceAsOf, HorizonDays = generator.HorizonDays },
            logger, cancellationToken: cancellationToken).Table;
        var truth = GroundTruth.TryLoad(data)!.AlignTo(table.CustomerIds);
        Directory.Delete(data, recursive: true);
        return (table, truth);
    }
}
