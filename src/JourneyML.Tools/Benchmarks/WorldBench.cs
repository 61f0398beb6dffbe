using System.Diagnostics;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging;

namespace JourneyML.Tools.Benchmarks;

/// <summary>Settings of <c>bench worlds</c>.</summary>
internal sealed record WorldBenchOptions
{
    public required IReadOnlyList<GeneratorWorld> Worlds { get; init; }

    /// <summary>Customers of every world; null: each world's default (2000, 3000, 300).</summary>
    public int? Customers { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>How many of the model's drivers (by permutation importance) count as "the top".</summary>
    public int Top { get; init; } = 10;

    /// <summary>How far the model's holdout AUC may trail the oracle's: recovery fails when the gap's whole 95% interval lies above it.</summary>
    public double Tolerance { get; init; } = 0.05;

    /// <summary>Bootstrap resamples of the holdout for the AUC intervals.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Train one fixed trainer instead of the product's sweep (quick runs and the tests).</summary>
    public bool SingleTrainer { get; init; }

    public required string WorkDirectory { get; init; }
}

/// <summary>A 95% interval.</summary>
internal readonly record struct Interval(double Low, double High)
{
    public override string ToString() => $"[{Low:F3}, {High:F3}]";
}

/// <summary>One assertion about a world's outputs: a named claim, whether it holds, and what was seen.</summary>
internal sealed record WorldCheck(string Name, bool Passed, string Detail)
{
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")}  {Name}: {Detail}";
}

/// <summary>What one model (churn or conversion) of a world measured.</summary>
internal sealed record TaskMeasurement(
    string Task,
    int Positives,
    int Negatives,
    int HoldoutRows,
    int HoldoutPositives,
    double? Auc,
    Interval? AucInterval,
    double? OracleAuc,
    Interval? OracleInterval,
    Interval? GapInterval,
    IReadOnlyList<FeatureImportance> TopDrivers,
    string? NoModel)
{
    /// <summary>The promotion floor's verdict on the model, as training recorded it (the bench forces models through, so it is read, not obeyed).</summary>
    public FloorCheck? Floor { get; init; }
}

internal sealed record WorldMeasurement(
    GeneratorWorld World,
    int Customers,
    int Accounts,
    long Events,
    double Seconds,
    IReadOnlyList<TaskMeasurement> Tasks,
    IReadOnlyList<WorldCheck> Checks,
    BacktestMetadata? Backtest = null)
{
    public bool AllPassed => Checks.All(c => c.Passed);

    /// <summary>The At-risk list at the as-of date against the planted truth; null without a churn model or planted churn.</summary>
    public AtRiskList? AtRisk { get; init; }
}

/// <summary>
/// <c>bench worlds</c>: each world generated into a folder, run through the product's own pipeline as the CLI runs it
/// (validate, features, train with the ground truth as the oracle, score, journey map), then measured: label counts, the
/// models' holdout AUC beside the oracle's (the planted truth scored on the same holdout) with bootstrap intervals, the top
/// drivers and whether each planted driver is among them, and checks of what a person reads for claims the data does not
/// support. Every check is a pass/fail line.
/// </summary>
internal static class WorldBench
{
    public static IReadOnlyList<WorldMeasurement> Run(WorldBenchOptions options, ILogger logger, Action<string> print, CancellationToken cancellationToken)
    {
        var results = new List<WorldMeasurement>();
        foreach (var world in options.Worlds)
        {
            var measurement = Measure(world, options, logger, cancellationToken);
            foreach (var line in Lines(measurement, options.Top))
            {
                print(line);
            }
            results.Add(measurement);
        }
        return results;
    }

    public static WorldMeasurement Measure(GeneratorWorld world, WorldBenchOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        string name = GeneratorWorlds.NameOf(world);
        string root = Path.Combine(options.WorkDirectory, name);
        string data = Path.Combine(root, "data");
        string registry = Path.Combine(root, "models");
        var generatorOptions = new GeneratorOptions
        {
            World = world,
            Customers = options.Customers ?? GeneratorWorlds.DefaultCustomers(world),
            Seed = options.Seed,
        };
        var summary = new SampleGenerator(generatorOptions).Generate(data, cancellationToken: cancellationToken);
        var checks = new List<WorldCheck>();

        // validate, as 'journeyml validate' does: every row read, problems counted.
        var report = new ValidationReport(InvalidRowPolicy.Skip);
        var dataset = Dataset.Open(data, report);
        var (kinds, lifecycle) = ReadEvents(dataset, cancellationToken);
        checks.Add(new WorldCheck("the export validates", !report.HasProblems,
            report.HasProblems ? $"{report.TotalProblems:N0} invalid rows: {report.Format(5).Trim()}" : $"{summary.Customers:N0} customers, {kinds.Values.Sum():N0} events, no invalid rows"));

        // features + train, as 'journeyml-tools train' does (the ground truth is the oracle).
        var training = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = data, AsOf = generatorOptions.ReferenceAsOf, HorizonDays = generatorOptions.HorizonDays },
            RegistryPath = registry,
            Seed = options.Seed,
            Force = true,
            Candidates = options.SingleTrainer ? [CandidateSpec.Default] : null,
            Oracle = GroundTruth.TryLoad(data),
        }, logger, cancellationToken);
        var truth = GroundTruth.TryLoad(data)!.AlignTo(training.Table.CustomerIds);
        var drivers = GroundTruth.PlantedDrivers(data);
        var tasks = new List<TaskMeasurement>
        {
            MeasureTask(PlantedWorldTasks.Churn, training.Table, training.Churn, truth.ChurnProbability, options) with { Floor = training.Metadata.Churn?.Floor },
            MeasureTask(PlantedWorldTasks.Conversion, training.Table, training.Lead, truth.ConversionProbability, options) with { Floor = training.Metadata.Lead?.Floor },
        };
        foreach (var task in tasks)
        {
            checks.AddRange(TaskChecks(task, training, drivers, options));
        }
        checks.AddRange(WorldBacktest.Checks(training.Metadata.Backtest, tasks));

        // score, as 'journeyml score' does, and the journey map, as 'journeyml journey' does.
        var scoring = ScoringRun.Run(new ScoringOptions { Features = new FeatureRunOptions { DataDirectory = data }, RegistryPath = registry }, logger, cancellationToken);
        var models = new ModelRegistry(registry).LoadChampion()!;
        var scoringTable = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, AsOfRule = AsOfRule.DataAsOf }, logger, cancellationToken: cancellationToken).Table;
        var stages = StageModel.ForRegistry(registry, new StageSignals([.. scoringTable.Columns.Select(c => c.Name)]).WithModel(models.Metadata));
        var scored = Scorer.Score(scoringTable, models, 3, ScoringPath.Batch, stages);
        var journey = JourneyRun.Run(new JourneyOptions { DataDirectory = data, RegistryPath = registry, OutputDirectory = Path.Combine(root, "journey") }, logger, cancellationToken);
        var atRisk = AtRiskList.Measure(data, registry, training);
        if (atRisk is not null)
        {
            checks.Add(atRisk.Check());
        }
        var texts = new OutputTexts(dataset, kinds, lifecycle, training, tasks, scoring.Snapshot, scoringTable, scored, journey.Map);
        checks.AddRange(OutputChecks.All(texts));

        return new WorldMeasurement(world, summary.Customers, dataset.Customers.AccountIds.Count, kinds.Values.Sum(), watch.Elapsed.TotalSeconds, tasks, checks, training.Metadata.Backtest)
        {
            AtRisk = atRisk,
        };
    }

    /// <summary>Events per kind, and every customer's purchases and cancellations (ticks, by customer id) for the tenure check.</summary>
    private static (Dictionary<EventKind, long> Kinds, Dictionary<string, List<(long Ticks, EventKind Kind)>> Lifecycle) ReadEvents(
        Dataset dataset, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<EventKind, long>();
        var lifecycle = new Dictionary<string, List<(long, EventKind)>>(StringComparer.Ordinal);
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var batch in dataset.Events.ReadPartition(p, withChannel: false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int i = 0; i < batch.Count; i++)
                {
                    var kind = batch.Kind[i];
                    counts[kind] = counts.GetValueOrDefault(kind) + 1;
                    if (kind is EventKind.Purchase or EventKind.Cancellation)
                    {
                        var id = dataset.Customers[batch.Customer[i]].CustomerId;
                        if (!lifecycle.TryGetValue(id, out var list))
                        {
                            lifecycle[id] = list = [];
                        }
                        list.Add((batch.Ticks[i], kind));
                    }
                }
            }
        }
        return (counts, lifecycle);
    }

    private static TaskMeasurement MeasureTask(PredictionTask task, FeatureTable table, ClassifierResult? result, float[] oracle, WorldBenchOptions options)
    {
        string name = PlantedWorldTasks.Name(task);
        var labels = table.Labels.GetValueOrDefault(task.Label) ?? [];
        var population = Enumerable.Range(0, table.RowCount).Where(r => table.Status is null || table.Status[r] == task.Population).ToArray();
        int positives = population.Count(r => r < labels.Length && labels[r] == 1);
        int negatives = population.Count(r => r < labels.Length && labels[r] == 0);
        if (result is null)
        {
            return new TaskMeasurement(name, positives, negatives, 0, 0, null, null, null, null, null, [],
                $"no model: {positives} positive and {negatives} negative examples (at least 10 of each needed)");
        }
        // The same holdout for both; a customer the ground truth says nothing of (NaN) would rank as anything, so is left out of both.
        var known = Enumerable.Range(0, result.HoldoutRows.Length).Where(i => !float.IsNaN(oracle[result.HoldoutRows[i]])).ToArray();
        var holdout = known.Select(i => result.HoldoutRows[i]).ToArray();
        var truth = holdout.Select(r => labels[r]).ToArray();
        var model = known.Select(i => result.HoldoutPredictions[i]).ToArray();
        var planted = holdout.Select(r => oracle[r]).ToArray();
        var (aucInterval, oracleInterval, gapInterval) = AucIntervals.Paired(model, planted, truth, options.Resamples, options.Seed);
        return new TaskMeasurement(name, positives, negatives, holdout.Length, truth.Count(y => y == 1), result.Holdout.Auc, aucInterval, result.OracleAuc,
            oracleInterval, gapInterval, [.. result.Importance.Take(options.Top)], null);
    }

    private static IEnumerable<WorldCheck> TaskChecks(TaskMeasurement task, TrainingRunResult training, IReadOnlyList<PlantedDriver> drivers, WorldBenchOptions options)
    {
        if (task.NoModel is not null)
        {
            yield break;
        }
        if (task.OracleAuc is { } oracle && task.Auc is { } auc)
        {
            double gap = oracle - auc;
            // Fails only when the holdout shows the model more than the tolerance behind the truth (the gap's whole interval above it).
            yield return new WorldCheck($"{task.Task} model recovers the planted truth", task.GapInterval is { } g && g.Low <= options.Tolerance,
                $"holdout AUC {auc:F3} {task.AucInterval}, oracle {oracle:F3} {task.OracleInterval}, gap {gap:F3} {task.GapInterval} " +
                $"(fails when the gap's 95% interval lies above {options.Tolerance:F2})");
            yield return new WorldCheck($"{task.Task} model ranks better than chance on the holdout", task.AucInterval is { } a && a.Low > 0.5,
                $"holdout AUC {auc:F3} {task.AucInterval} on {task.HoldoutRows:N0} customers ({task.HoldoutPositives:N0} positive)");
        }
        var features = training.Table.Columns.Select(c => c.Name).ToArray();
        foreach (var driver in drivers.Where(d => d.Task == task.Task))
        {
            var matching = features.Where(driver.Matches).ToArray();
            var ranked = task.TopDrivers.Select((d, i) => (d, Rank: i + 1)).Where(x => driver.Matches(x.d.Feature) && x.d.AucDrop > 0).ToArray();
            string detail = matching.Length == 0
                ? $"no feature carries it ({driver.Direction})"
                : ranked.Length == 0
                    ? $"features {string.Join(", ", matching)} are not among the top {options.Top} ({driver.Direction})"
                    : $"{string.Join(", ", ranked.Select(x => $"{x.d.Feature} #{x.Rank} (AUC drop {x.d.AucDrop:F3})"))} ({driver.Direction})";
            yield return new WorldCheck($"planted {task.Task} driver {driver.Describe()} is among the top {options.Top}", ranked.Length > 0, detail);
        }
    }

    /// <summary>The lines printed for a world: sizes, labels, AUCs, drivers, then every check.</summary>
    public static IEnumerable<string> Lines(WorldMeasurement m, int top)
    {
        yield return $"== world {GeneratorWorlds.NameOf(m.World)}: {m.Customers:N0} customers, {(m.Accounts > 0 ? $"{m.Accounts:N0} accounts" : "no accounts")}, {m.Events:N0} events ({m.Seconds:F1} s)";
        foreach (var t in m.Tasks)
        {
            yield return $"  {t.Task} labels: {t.Positives:N0} yes, {t.Negatives:N0} no";
            if (t.NoModel is not null)
            {
                yield return $"  {t.Task} model: {t.NoModel}";
                continue;
            }
            yield return $"  {t.Task} model: holdout AUC {t.Auc:F3} {t.AucInterval} on {t.HoldoutRows:N0} customers; oracle AUC {t.OracleAuc:F3} {t.OracleInterval}; gap {t.OracleAuc - t.Auc:F3} {t.GapInterval}";
            yield return WorldBacktest.Line(m.Backtest, t);
            if (t.Floor is { } floor)
            {
                yield return $"  {t.Task} promotion floor: {(floor.Passed ? "passed" : "FAILED")}: {floor.Reason}";
            }
            yield return $"  {t.Task} top {Math.Min(top, t.TopDrivers.Count)} drivers (holdout AUC drop when shuffled): " +
                string.Join(", ", t.TopDrivers.Select(d => $"{d.Feature} {d.AucDrop:F3}"));
        }
        foreach (var line in m.AtRisk?.Lines() ?? [])
        {
            yield return line;
        }
        foreach (var check in m.Checks)
        {
            yield return "  " + check;
        }
        yield return $"  {m.Checks.Count(c => c.Passed)} of {m.Checks.Count} checks pass";
    }
}

/// <summary>The two prediction tasks under the names the ground truth's planted drivers use.</summary>
internal static class PlantedWorldTasks
{
    public static PredictionTask Churn => PredictionTask.Churn;

    public static PredictionTask Conversion => PredictionTask.Lead;

    public static string Name(PredictionTask task) => task == PredictionTask.Churn ? "churn" : "conversion";
}

/// <summary>Paired bootstrap of the holdout: the model's AUC, the oracle's, and the oracle's lead over the model.</summary>
internal static class AucIntervals
{
    public static (Interval Model, Interval Oracle, Interval Gap) Paired(float[] model, float[] oracle, float[] labels, int resamples, int seed)
    {
        var random = new Random(seed);
        int n = labels.Length;
        var m = new List<double>(resamples);
        var o = new List<double>(resamples);
        var g = new List<double>(resamples);
        var ms = new float[n];
        var os = new float[n];
        var ls = new float[n];
        for (int s = 0; s < resamples; s++)
        {
            for (int i = 0; i < n; i++)
            {
                int j = random.Next(n);
                (ms[i], os[i], ls[i]) = (model[j], oracle[j], labels[j]);
            }
            double a = ClassificationMetrics.RocAuc(ms, ls), b = ClassificationMetrics.RocAuc(os, ls);
            if (!double.IsNaN(a) && !double.IsNaN(b))
            {
                m.Add(a);
                o.Add(b);
                g.Add(b - a);
            }
        }
        return (Percentiles(m), Percentiles(o), Percentiles(g));
    }

    private static Interval Percentiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Interval(double.NaN, double.NaN);
        }
        values.Sort();
        return new Interval(values[(int)(0.025 * (values.Count - 1))], values[(int)Math.Ceiling(0.975 * (values.Count - 1))]);
    }
}
