using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
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
                    $"[{run.Interval.Low:F3}, {run.Interval.High:F3}]  oracle {run.OracleAuc:F3} {(run.CoversOracle ? "in " : "OUT")}  fresh {run.FreshAuc:F3} {(run.CoversFresh ? "in " : "OUT")}");
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
        }
    }

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
            double freshAuc = ClassificationMetrics.RocAuc(result.Model.Predict(fresh, freshRows), freshRows.Select(r => freshLabels[r]).ToArray());
            yield return new CoverageRun(seed, task.Name, holdoutTruth.Length, holdoutTruth.Count(y => y == 1), result.Holdout.Auc, intervals.Auc,
                result.OracleAuc ?? double.NaN, freshAuc);
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
