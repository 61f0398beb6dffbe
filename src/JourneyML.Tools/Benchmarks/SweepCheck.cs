using System.Diagnostics;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;

namespace JourneyML.Tools.Benchmarks;

/// <summary>One task of one generated table: the sweep's chosen model against the best configuration found by hand, on the same holdout.</summary>
public sealed record SweepCheckRow(
    string World, int Customers, string Task, int Labelled, int HoldoutRows, int HoldoutPositives,
    string Chosen, double ChosenAuc, string BestByHand, double BestByHandAuc, double? OracleAuc, double SweepSeconds)
{
    public double Gap => BestByHandAuc - ChosenAuc;

    /// <summary>The bar of issue 18: the chosen model within 0.005 ROC AUC of the best candidate found by hand.</summary>
    public const double Bar = 0.005;
}

/// <summary>
/// Does the sweep choose as well as a person trying many configurations by hand? On a generated table it runs the
/// product's selection (<see cref="ClassifierTraining.Train"/>), then fits a wider grid than the sweep (LightGBM over
/// leaves, learning rate and rounds; FastTree; bigger forests; logistic regression over the penalty) on the same
/// training rows and scores each on the same holdout. The best of that grid is an optimistic yardstick (the maximum of
/// many noisy holdout figures), so a small holdout can make the sweep look worse than it is: the holdout's size is shown.
/// </summary>
public static class SweepCheck
{
    public static IReadOnlyList<CandidateSpec> ByHandGrid { get; } = BuildGrid();

    private static List<CandidateSpec> BuildGrid()
    {
        var grid = new List<CandidateSpec>();
        foreach (var leaves in new[] { 7.0, 15, 31 })
        {
            foreach (var rate in new[] { 0.03, 0.1 })
            {
                foreach (var rounds in new[] { 100.0, 300, 800 })
                {
                    grid.Add(new(CandidateSpec.LightGbm, new Dictionary<string, double> { ["leaves"] = leaves, ["learningRate"] = rate, ["iterations"] = rounds, ["minLeaf"] = 20 }));
                }
            }
        }
        grid.Add(new(CandidateSpec.FastTree, new Dictionary<string, double> { ["leaves"] = 15, ["trees"] = 300, ["learningRate"] = 0.05, ["minLeaf"] = 20 }));
        grid.Add(new(CandidateSpec.FastTree, new Dictionary<string, double> { ["leaves"] = 31, ["trees"] = 100, ["learningRate"] = 0.2, ["minLeaf"] = 50 }));
        grid.Add(new(CandidateSpec.FastForest, new Dictionary<string, double> { ["leaves"] = 63, ["trees"] = 300, ["minLeaf"] = 10 }));
        grid.AddRange(CandidateFitting.L2Grid.Select(l2 => new CandidateSpec(CandidateSpec.LogisticRegression, new Dictionary<string, double> { ["l2"] = l2, ["l1"] = 0 })));
        return grid;
    }

    /// <summary>Generates the world into <paramref name="directory"/> (when not there yet) and checks each task that has enough labels.</summary>
    public static List<SweepCheckRow> Run(GeneratorWorld world, int customers, string directory, int seed, Action<string> log, CancellationToken cancellationToken)
    {
        var generator = new GeneratorOptions { World = world, Customers = customers, Seed = seed };
        if (!File.Exists(Path.Combine(directory, "customers.csv")) && !File.Exists(Path.Combine(directory, "customers.parquet")))
        {
            new SampleGenerator(generator).Generate(directory);
        }
        var table = BehaviourFeatures.Build(Dataset.Open(directory, new ValidationReport()), new FeatureOptions { AsOf = generator.ReferenceAsOf }).Table;
        var truth = GroundTruth.TryLoad(directory)?.AlignTo(table.CustomerIds);
        var rows = new List<SweepCheckRow>();
        foreach (var task in new[] { PredictionTask.Churn, PredictionTask.Lead })
        {
            if (!table.Labels.TryGetValue(task.Label, out var labels))
            {
                continue;
            }
            var population = Enumerable.Range(0, table.RowCount).Where(r => table.Status is null || table.Status[r] == task.Population).ToArray();
            int positives = population.Count(r => labels[r] == 1), negatives = population.Count(r => labels[r] == 0);
            if (positives < 10 || negatives < 10)
            {
                log($"{GeneratorWorlds.NameOf(world)} {task}: {positives} positive, {negatives} negative: too few to train");
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var result = ClassifierTraining.Train(table, task, population, new ClassifierOptions { Seed = seed }, cancellationToken: cancellationToken);
            double sweepSeconds = watch.Elapsed.TotalSeconds;
            var holdoutTruth = result.HoldoutRows.Select(r => labels[r]).ToArray();
            var (bestSpec, bestAuc) = ("", double.NegativeInfinity);
            foreach (var spec in ByHandGrid.Concat(CandidateSpec.DefaultSweep))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = ClassifierTraining.FitOnce(table, task, result.TrainRows, spec, seed);
                double auc = ClassificationMetrics.RocAuc(model.Predict(table, result.HoldoutRows), holdoutTruth);
                if (auc > bestAuc)
                {
                    (bestSpec, bestAuc) = (spec.Describe(), auc);
                }
            }
            float[]? oracle = truth is null ? null : task == PredictionTask.Churn ? truth.ChurnProbability : truth.ConversionProbability;
            double? oracleAuc = oracle is null ? null : ClassificationMetrics.RocAuc(result.HoldoutRows.Select(r => oracle[r]).ToArray(), holdoutTruth);
            var row = new SweepCheckRow(GeneratorWorlds.NameOf(world), table.RowCount, task.Name, positives + negatives, result.HoldoutRows.Length,
                (int)holdoutTruth.Sum(), result.Model.Info.Spec.Describe(), result.Holdout.Auc, bestSpec, bestAuc, oracleAuc, sweepSeconds);
            log(Format(row));
            rows.Add(row);
        }
        return rows;
    }

    public static string Header =>
        "| World | Customers | Task | Labelled | Holdout (positive) | Chosen | Holdout ROC AUC | Best by hand | Its ROC AUC | Gap | Within 0.005 | Oracle | Sweep |\n" +
        "|---|---:|---|---:|---:|---|---:|---|---:|---:|---|---:|---:|";

    public static string Format(SweepCheckRow r) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"| {r.World} | {r.Customers:N0} | {r.Task} | {r.Labelled:N0} | {r.HoldoutRows:N0} ({r.HoldoutPositives:N0}) | {r.Chosen} | {r.ChosenAuc:F3} | {r.BestByHand} | {r.BestByHandAuc:F3} | " +
        $"{r.Gap:+0.000;-0.000;0.000} | {(r.Gap <= SweepCheckRow.Bar ? "yes" : "no")} | {(r.OracleAuc is { } o ? o.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "")} | {r.SweepSeconds:F1} s |");
}
