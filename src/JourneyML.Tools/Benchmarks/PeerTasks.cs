using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Segmentation;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging;

namespace JourneyML.Tools.Benchmarks;

/// <summary>The steps the peer benchmark measures; each runs in a fresh process of its own, on either side.</summary>
public static class PeerTask
{
    public const string Features = "features";
    public const string Segments = "segments";
    /// <summary>Segments with k chosen from the data (k = 2..12 by silhouette and gap), as <c>train</c> finds them.</summary>
    public const string SegmentChoice = "segment-k";
    public const string GradientBoosting = "gbm";
    public const string Logistic = "logistic";
    public const string Sweep = "sweep";
    public const string Journey = "journey";

    /// <summary>Steps scikit-learn also does; the others are JourneyML's alone.</summary>
    public static IReadOnlySet<string> WithPeer { get; } = new HashSet<string>(StringComparer.Ordinal) { Segments, SegmentChoice, GradientBoosting, Logistic };

    public static IReadOnlyList<string> All { get; } = [Features, Segments, SegmentChoice, GradientBoosting, Logistic, Sweep, Journey];
}

/// <summary>
/// What one side reported for one step in one run (JSON, written by the JourneyML worker and by the Python peer alike).
/// Times cover only the step itself: never process start, imports or reading the CSV. Peak memory is the process's
/// maximum resident set (Linux VmHWM on both sides: .NET's peak working set reads it; the peer reads /proc/self/status,
/// not ru_maxrss, which Linux carries over from the parent across exec), data loading included on both sides.
/// </summary>
public sealed record PeerMeasurement
{
    public required string Side { get; init; }
    public required string Task { get; init; }
    /// <summary>What ran, with the settings that matter for the comparison.</summary>
    public required string What { get; init; }
    public int Threads { get; init; }
    public double FitSeconds { get; init; }
    public long FitRows { get; init; }
    /// <summary>Events read (the feature step), for events per second.</summary>
    public long Events { get; init; }
    public double? ScoreSeconds { get; init; }
    public long ScoreRows { get; init; }
    /// <summary>Scoring with the top factors in words (the sweep's chosen model).</summary>
    public double? ExplainSeconds { get; init; }
    public long ExplainRows { get; init; }
    /// <summary>
    /// Segments: assigning every row from the standardised signals both sides are handed (the distance and the nearest
    /// centroid alone), beside <see cref="ScoreSeconds"/>, which starts from the raw features (log1p and scaling included).
    /// </summary>
    public double? StandardisedSeconds { get; init; }
    public double PeakMb { get; init; }
    /// <summary>File of float32 values, one per table row: the churn probability, or the segment of the row.</summary>
    public string? Predictions { get; init; }
    /// <summary>Library versions (the peer) or other detail worth printing once.</summary>
    public string? Versions { get; init; }
    public string? Note { get; init; }

    public static PeerMeasurement Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), PeerJson.Default.PeerMeasurement)
        ?? throw new InvalidDataException($"{path} is empty");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, PeerJson.Default.PeerMeasurement));

    public static float[] ReadPredictions(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of float32 values");
        }
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    public static void WritePredictions(string path, ReadOnlySpan<float> values) =>
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PeerMeasurement))]
internal sealed partial class PeerJson : JsonSerializerContext;

/// <summary>Settings of one JourneyML step of the peer benchmark.</summary>
public sealed record PeerTaskOptions
{
    public required string Task { get; init; }
    /// <summary>The shared CSV (<see cref="PeerBenchTable"/>).</summary>
    public required string TablePath { get; init; }
    /// <summary>The generated data folder (features and journey map read the events).</summary>
    public string? DataDirectory { get; init; }
    /// <summary>Registry for the journey map's champion; trained once, untimed, when it has none.</summary>
    public string? RegistryPath { get; init; }
    public required string PredictionsPath { get; init; }
    public int K { get; init; }
    public int Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public DateTime AsOf { get; init; } = new GeneratorOptions().ReferenceAsOf;
    /// <summary>Days between the journey map's timeline steps (as in the journey benchmark).</summary>
    public int JourneyStepDays { get; init; } = 14;
}

/// <summary>
/// JourneyML's side of each step, run as the product runs it. Each training step first warms up on a small slice of the
/// same data, untimed (the Python peer does the same), so .NET's JIT compilation is not in the figure; scoring is timed
/// on a second pass over every row on both sides (the first pass still runs tier-0 code while the JIT tiers it up); the
/// feature step and the journey map are timed cold, as a scheduled job runs them.
/// </summary>
public static class PeerTasks
{
    public const string Side = "JourneyML";
    private const int WarmUpRows = 2_000;

    /// <summary>The fixed gradient-boosting trainer: the sweep's first candidate, on every core.</summary>
    public static CandidateSpec GradientBoosting => CandidateSpec.DefaultSweep[0];

    /// <summary>The fixed linear trainer: the sweep's L2-only logistic regression (L2 0.1 is scikit-learn's C = 10).</summary>
    public static CandidateSpec Logistic => CandidateSpec.PlainLogistic;

    public static PeerMeasurement Run(PeerTaskOptions options, ILogger logger, CancellationToken cancellationToken = default) => options.Task switch
    {
        PeerTask.Features => Features(options, logger, cancellationToken),
        PeerTask.Segments => Segments(options, cancellationToken),
        PeerTask.SegmentChoice => SegmentChoice(options, cancellationToken),
        PeerTask.GradientBoosting => FixedTrainer(options, GradientBoosting, "ML.NET LightGbm"),
        PeerTask.Logistic => FixedTrainer(options, Logistic, "JourneyML L-BFGS logistic regression (ML.NET's objective and mean-variance scaling, fixed row chunks on every core)"),
        PeerTask.Sweep => Sweep(options, cancellationToken),
        PeerTask.Journey => Journey(options, logger, cancellationToken),
        _ => throw new ArgumentException($"unknown benchmark step '{options.Task}' (one of {string.Join(", ", PeerTask.All)})"),
    };

    private static double PeakMb() => Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;

    private static PeerMeasurement Features(PeerTaskOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var data = options.DataDirectory ?? throw new ArgumentException("the feature step needs the data folder");
        var watch = Stopwatch.StartNew();
        var run = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, AsOf = options.AsOf }, logger, cancellationToken: cancellationToken);
        watch.Stop();
        return new PeerMeasurement
        {
            Side = Side,
            Task = PeerTask.Features,
            What = "FeatureRun: open and validate the Parquet export, build every feature as of T",
            Threads = Environment.ProcessorCount,
            FitSeconds = watch.Elapsed.TotalSeconds,
            FitRows = run.Summary.Rows,
            Events = run.Summary.EventsBeforeAsOf + run.Summary.EventsOnOrAfterAsOf,
            PeakMb = PeakMb(),
        };
    }

    private static PeerMeasurement Segments(PeerTaskOptions options, CancellationToken cancellationToken)
    {
        var bench = PeerBenchTable.Read(options.TablePath);
        int k = options.K > 0 ? options.K : bench.PlantedK;
        var (result, measurement) = TimedSegmentation(options, bench, new SegmentationOptions { FixedK = k, Seed = options.Seed }, PeerTask.Segments,
            $"BehaviourSegmentation, fixed k = {k}: own k-means, {BehaviourSegmentation.StartsFor(bench.Table.RowCount)} greedy k-means++ starts, Lloyd until the inertia gains under 1e-6 of itself, starts side by side on {Environment.ProcessorCount} cores, with profiles",
            cancellationToken);
        // Both timed on a second pass, as the peer's predict is. From the raw features is what scoring does; from the
        // standardised signals is exactly what scikit-learn's predict is given.
        result.Model.Assign(bench.Table);
        var watch = Stopwatch.StartNew();
        var fromRaw = result.Model.Assign(bench.Table);
        double score = watch.Elapsed.TotalSeconds;
        result.Model.AssignStandardised(bench.Standardised);
        watch.Restart();
        var fromStandardised = result.Model.AssignStandardised(bench.Standardised);
        double standardised = watch.Elapsed.TotalSeconds;
        if (!fromRaw.SequenceEqual(fromStandardised))
        {
            throw new InvalidOperationException("the segments from the standardised signals differ from the raw features' segments: the table's signals are not this model's scaling");
        }
        return measurement with { ScoreSeconds = score, StandardisedSeconds = standardised, ScoreRows = bench.Table.RowCount, PeakMb = PeakMb() };
    }

    private static PeerMeasurement SegmentChoice(PeerTaskOptions options, CancellationToken cancellationToken)
    {
        var bench = PeerBenchTable.Read(options.TablePath);
        var settings = new SegmentationOptions { Seed = options.Seed };
        var (result, measurement) = TimedSegmentation(options, bench, settings, PeerTask.SegmentChoice,
            $"BehaviourSegmentation, k = {settings.MinK}..{settings.MaxK}: {BehaviourSegmentation.StartsFor(bench.Table.RowCount)} starts per k, silhouette on a {settings.SampleSize:N0}-row sample, gap with 5 uniform references, then the chosen k's profiles",
            cancellationToken);
        return measurement with { Note = $"k = {result.ChosenK}" };
    }

    /// <summary>
    /// One segmentation step: warmed up on the first rows (training and assignment), the training timed on every row, the
    /// fitted segment of each row written (as scikit-learn's labels_) for the agreement with the planted segments.
    /// </summary>
    private static (SegmentationResult Result, PeerMeasurement Measurement) TimedSegmentation(PeerTaskOptions options, PeerBenchTable bench,
        SegmentationOptions settings, string task, string what, CancellationToken cancellationToken)
    {
        BehaviourSegmentation.Train(PeerBenchTable.Head(bench.Table, WarmUpRows), settings, cancellationToken: cancellationToken).Model.Assign(bench.Table);
        var watch = Stopwatch.StartNew();
        var result = BehaviourSegmentation.Train(bench.Table, settings, cancellationToken: cancellationToken);
        double fit = watch.Elapsed.TotalSeconds;
        PeerMeasurement.WritePredictions(options.PredictionsPath, [.. result.Assignments.Select(a => (float)a)]);
        return (result, new PeerMeasurement
        {
            Side = Side,
            Task = task,
            What = what,
            Threads = Environment.ProcessorCount,
            FitSeconds = fit,
            FitRows = bench.Table.RowCount,
            PeakMb = PeakMb(),
            Predictions = options.PredictionsPath,
        });
    }

    private static PeerMeasurement FixedTrainer(PeerTaskOptions options, CandidateSpec spec, string name)
    {
        var bench = PeerBenchTable.Read(options.TablePath);
        var all = Enumerable.Range(0, bench.Table.RowCount).ToArray();
        var warmUp = ClassifierTraining.FitOnce(bench.Table, PredictionTask.Churn, bench.TrainRows[..Math.Min(WarmUpRows, bench.TrainRows.Length)], spec, options.Seed, options.Threads);
        warmUp.Predict(bench.Table, all[..Math.Min(WarmUpRows, all.Length)]);

        var watch = Stopwatch.StartNew();
        var model = ClassifierTraining.FitOnce(bench.Table, PredictionTask.Churn, bench.TrainRows, spec, options.Seed, options.Threads);
        double fit = watch.Elapsed.TotalSeconds;
        model.Predict(bench.Table, all);
        watch.Restart();
        var probabilities = model.Predict(bench.Table, all);
        double score = watch.Elapsed.TotalSeconds;
        PeerMeasurement.WritePredictions(options.PredictionsPath, probabilities);
        return new PeerMeasurement
        {
            Side = Side,
            Task = options.Task,
            What = $"{name} {Settings(spec)}, {options.Threads} threads",
            Threads = options.Threads,
            FitSeconds = fit,
            FitRows = bench.TrainRows.Length,
            ScoreSeconds = score,
            ScoreRows = all.Length,
            PeakMb = PeakMb(),
            Predictions = options.PredictionsPath,
        };
    }

    private static string Settings(CandidateSpec spec) =>
        "(" + string.Join(", ", spec.Hyperparameters.Select(h => $"{h.Key} {h.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")) + ")";

    private static PeerMeasurement Sweep(PeerTaskOptions options, CancellationToken cancellationToken)
    {
        var bench = PeerBenchTable.Read(options.TablePath);
        var classifierOptions = new ClassifierOptions { Seed = options.Seed };
        var warmTable = PeerBenchTable.Head(bench.Table, 3 * WarmUpRows);
        ClassifierTraining.Train(warmTable, PredictionTask.Churn, PeerBenchTable.ChurnPopulation(warmTable), classifierOptions, cancellationToken: cancellationToken);

        var population = PeerBenchTable.ChurnPopulation(bench.Table);
        var watch = Stopwatch.StartNew();
        var result = ClassifierTraining.Train(bench.Table, PredictionTask.Churn, population, classifierOptions, cancellationToken: cancellationToken);
        double fit = watch.Elapsed.TotalSeconds;
        if (!result.HoldoutRows.SequenceEqual(bench.HoldoutRows))
        {
            throw new InvalidOperationException("the sweep held out other rows than the benchmark table's split: the comparison would not be on the same holdout");
        }
        var all = Enumerable.Range(0, bench.Table.RowCount).ToArray();
        result.Model.Predict(bench.Table, all);
        watch.Restart();
        var probabilities = result.Model.Predict(bench.Table, all);
        double score = watch.Elapsed.TotalSeconds;
        // Every customer with the top three factors in words, exactly as a scoring run does it.
        var explained = new float[all.Length];
        var factors = new IReadOnlyList<Factor>[all.Length];
        var raise = new bool[all.Length];
        Scorer.ScoreRows(result.Model, bench.Table, all, explained, factors, raise, 3, ScoringPath.Batch);
        watch.Restart();
        Scorer.ScoreRows(result.Model, bench.Table, all, explained, factors, raise, 3, ScoringPath.Batch);
        double explain = watch.Elapsed.TotalSeconds;
        PeerMeasurement.WritePredictions(options.PredictionsPath, probabilities);
        return new PeerMeasurement
        {
            Side = Side,
            Task = PeerTask.Sweep,
            What = $"ClassifierTraining: {classifierOptions.Candidates.Count} candidates x {classifierOptions.Folds} folds, Platt calibration, refit, permutation importance; chose {result.Model.Info.Spec.Describe()}",
            Threads = Environment.ProcessorCount,
            FitSeconds = fit,
            FitRows = result.TrainRows.Length,
            ScoreSeconds = score,
            ScoreRows = all.Length,
            ExplainSeconds = explain,
            ExplainRows = all.Length,
            PeakMb = PeakMb(),
            Predictions = options.PredictionsPath,
            Note = result.Model.Info.Spec.Trainer,
        };
    }

    private static PeerMeasurement Journey(PeerTaskOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var data = options.DataDirectory ?? throw new ArgumentException("the journey map needs the data folder");
        var registryPath = options.RegistryPath ?? throw new ArgumentException("the journey map needs a registry");
        var registry = new ModelRegistry(registryPath);
        if (registry.LoadChampion() is null)
        {
            // The map scores customers with the champion: train one once (untimed) and keep it for the later runs.
            logger.LogInformation("Training the journey map's champion into {Registry} (untimed)", registryPath);
            TrainingRun.Run(new TrainingOptions
            {
                Features = new FeatureRunOptions { DataDirectory = data, AsOf = options.AsOf },
                RegistryPath = registryPath,
                Seed = options.Seed,
            }, logger, cancellationToken);
        }
        var output = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.PredictionsPath))!, "journey-map");
        var watch = Stopwatch.StartNew();
        var (map, _) = JourneyRun.Run(new JourneyOptions
        {
            DataDirectory = data,
            RegistryPath = registryPath,
            StepDays = options.JourneyStepDays,
            OutputDirectory = output,
        }, logger, cancellationToken);
        watch.Stop();
        return new PeerMeasurement
        {
            Side = Side,
            Task = PeerTask.Journey,
            What = $"JourneyRun: stage timelines every {options.JourneyStepDays} days, map, touchpoints, insights, HTML/Markdown/JSON",
            Threads = Environment.ProcessorCount,
            FitSeconds = watch.Elapsed.TotalSeconds,
            FitRows = map.Kpis.Customers,
            PeakMb = PeakMb(),
        };
    }
}
