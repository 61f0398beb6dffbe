using JourneyML.Core.Data;
using JourneyML.Core.Journeys;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>Settings of a retraining run: the training settings plus what scoring and the journey map need.</summary>
public sealed record RetrainOptions
{
    /// <summary>Training on behaviour logs (mode A): data folder, mapping, as-of date, horizon, invalid-row policy.</summary>
    public required TrainingOptions Training { get; init; }
    /// <summary>Also write the ranked list as CSV beside the snapshot.</summary>
    public bool WriteCsv { get; init; }
    /// <summary>The ranked list's columns (JourneyML's, HubSpot's or Salesforce's) and whether it is written for Excel.</summary>
    public ExportFormat ExportFormat { get; init; } = ExportFormat.Default;
    /// <summary>Step of the journey map's stage timelines, in days: the canonical weekly one, so the map the run writes agrees with its snapshot.</summary>
    public int JourneyStepDays { get; init; } = StageNow.CanonicalStepDays;
    /// <summary>The journey map's funnel windows in days (<see cref="JourneyOptions.FunnelWindowDays"/>).</summary>
    public IReadOnlyList<int> FunnelWindowDays { get; init; } = JourneyAnalysisOptions.DefaultWindowDays;
    /// <summary>The designed journey the map holds customers against (<see cref="JourneyOptions.DesignedJourneyFile"/>).</summary>
    public string? DesignedJourneyFile { get; init; }
}

/// <summary>
/// What a person asks of a retraining run, from the command line or an API call: the data, the dates and the gate's
/// settings. The service supplies the rest (the registry, the clock).
/// </summary>
public sealed record RetrainSettings
{
    public required string DataDirectory { get; init; }
    public string? MappingFile { get; init; }
    /// <summary>Training as-of date; default: the latest date whose labels are complete (the data's as-of date minus the horizon).</summary>
    public DateTime? AsOf { get; init; }
    public int HorizonDays { get; init; } = 90;
    public bool SkipInvalid { get; init; }
    /// <summary>A fixed number of segments; default: chosen automatically.</summary>
    public int? Segments { get; init; }
    /// <summary>Train the default candidate only instead of the model-selection sweep.</summary>
    public bool FixedTrainer { get; init; }
    /// <summary>Run the out-of-time backtest (<see cref="TrainingOptions.Backtest"/>); default on.</summary>
    public bool Backtest { get; init; } = true;
    public double Tolerance { get; init; } = new PromotionGateOptions().Tolerance;
    public bool Force { get; init; }
    public bool WriteCsv { get; init; }
    /// <summary>The ranked list's layout and Excel flag, as <c>score --layout/--excel</c>.</summary>
    public ExportFormat ExportFormat { get; init; } = ExportFormat.Default;
    public int JourneyStepDays { get; init; } = StageNow.CanonicalStepDays;
    /// <summary>The journey map's funnel windows in days (<see cref="JourneyOptions.FunnelWindowDays"/>).</summary>
    public IReadOnlyList<int> FunnelWindowDays { get; init; } = JourneyAnalysisOptions.DefaultWindowDays;
    /// <summary>The designed journey the map holds customers against (<see cref="JourneyOptions.DesignedJourneyFile"/>).</summary>
    public string? DesignedJourneyFile { get; init; }

    public RetrainOptions ToOptions(string registryPath, TimeProvider? clock = null) => new()
    {
        Training = new TrainingOptions
        {
            Features = new FeatureRunOptions
            {
                DataDirectory = DataDirectory,
                MappingFile = MappingFile,
                AsOf = AsOf,
                HorizonDays = HorizonDays,
                Policy = SkipInvalid ? InvalidRowPolicy.Skip : InvalidRowPolicy.Strict,
            },
            RegistryPath = registryPath,
            Segments = Segments,
            Tolerance = Tolerance,
            Force = Force,
            Candidates = FixedTrainer ? [CandidateSpec.Default] : null,
            Backtest = Backtest,
            Clock = clock ?? TimeProvider.System,
        },
        WriteCsv = WriteCsv,
        ExportFormat = ExportFormat,
        JourneyStepDays = JourneyStepDays,
        FunnelWindowDays = FunnelWindowDays,
        DesignedJourneyFile = DesignedJourneyFile,
    };
}

public sealed record RetrainResult(TrainingRunResult Training, ScoringResult Scoring, JourneyMap JourneyMap, string JourneyDirectory);

/// <summary>
/// The chain a scheduled job runs: ingest, features, train, gate, then score every customer with whichever model is to
/// serve afterwards (the new one, or the one kept), then regenerate the journey map, and only then promote. Promotion
/// comes last so that a run failing at any step (invalid stage rules, a full disk at the snapshot, a limit of the journey
/// map) leaves the model in service as it was: the new version is kept, not promoted, and the next run gates it again.
/// The CLI's <c>retrain</c> and the API's retraining jobs both run this.
/// </summary>
public static class RetrainRun
{
    /// <param name="progress">Step name and overall fraction done.</param>
    public static RetrainResult Run(RetrainOptions options, ILogger logger, CancellationToken cancellationToken = default,
        IProgress<(string Step, double Fraction)>? progress = null)
    {
        var features = options.Training.Features as FeatureRunOptions
            ?? throw new InvalidInputException("a retraining run reads behaviour logs: give a data folder");
        // The map's own options are checked before an hour of training, not after it (the designed moves' stage names at the map).
        JourneyRun.CheckAnalysis(options.FunnelWindowDays, options.DesignedJourneyFile);
        // Training takes the first 70% of the bar; scoring and the journey map share the rest.
        var training = TrainingRun.Run(options.Training with { DeferPromotion = true }, logger, cancellationToken,
            progress is null ? null : new Progress70(progress));
        cancellationToken.ThrowIfCancellationRequested();
        var decision = training.Metadata.Promotion!;
        // The version that is to serve: scoring and the map use it before the pointer moves (null: the champion kept).
        string? serving = decision.Promoted ? training.Metadata.Version : null;

        progress?.Report(("scoring", 0.7));
        var scoring = ScoringRun.Run(new ScoringOptions
        {
            // Scores on everything known: the data's own as-of date, not the training date (whose labels had to be complete).
            Features = features with { AsOf = null },
            RegistryPath = options.Training.RegistryPath,
            WriteCsv = options.WriteCsv,
            ExportFormat = options.ExportFormat,
            Clock = options.Training.Clock,
            Version = serving,
        }, logger, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        progress?.Report(("journey map", 0.85));
        var (map, directory) = JourneyRun.Run(new JourneyOptions
        {
            DataDirectory = features.DataDirectory,
            MappingFile = features.MappingFile,
            RegistryPath = options.Training.RegistryPath,
            StepDays = options.JourneyStepDays,
            Version = serving,
            FunnelWindowDays = options.FunnelWindowDays,
            DesignedJourneyFile = options.DesignedJourneyFile,
        }, logger, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        TrainingRun.PromoteOrKeep(new ModelRegistry(options.Training.RegistryPath), training.Metadata.Version, decision,
            options.Training.Clock.GetUtcNow().UtcDateTime, logger);
        progress?.Report(("done", 1));
        return new RetrainResult(training, scoring, map, directory);
    }

    private sealed class Progress70(IProgress<(string Step, double Fraction)> inner) : IProgress<(string Step, double Fraction)>
    {
        public void Report((string Step, double Fraction) value) => inner.Report((value.Step, value.Fraction * 0.7));
    }
}
