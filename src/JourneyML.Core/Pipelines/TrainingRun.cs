using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Segmentation;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>Settings of a training run.</summary>
public sealed record TrainingOptions
{
    /// <summary>Where the features come from: behaviour logs as of a date (<see cref="FeatureRunOptions"/>) or a ready table (<see cref="FeatureTableSource"/>).</summary>
    public required FeatureSource Features { get; init; }

    public required string RegistryPath { get; init; }
    /// <summary>A fixed number of segments (<c>--segments K</c>); default: chosen automatically.</summary>
    public int? Segments { get; init; }
    public int Seed { get; init; } = 1;
    public IReadOnlyList<CandidateSpec>? Candidates { get; init; }
    /// <summary>How much worse (PR-AUC) a challenger may be than the champion on the same holdout and still be promoted.</summary>
    public double Tolerance { get; init; } = new PromotionGateOptions().Tolerance;
    /// <summary>Promote even when the gate says no.</summary>
    public bool Force { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>The truth planted in generated data, to report how well the models recover it; none for a real export.</summary>
    public KnownTruth? Oracle { get; init; }
    /// <summary>
    /// Also run the out-of-time backtest (behaviour logs only): the chosen candidates refitted as of T-H, scored as of T.
    /// A quick run or a very large export may turn it off (<c>--no-backtest</c>).
    /// </summary>
    public bool Backtest { get; init; } = true;

    /// <summary>
    /// Write the version and decide, but leave the promotion to the caller (<see cref="TrainingRun.PromoteOrKeep"/>): a
    /// retraining run promotes only once scoring and the journey map have worked with the new version.
    /// </summary>
    public bool DeferPromotion { get; init; }
}

public sealed record TrainingRunResult(ModelMetadata Metadata, string VersionDirectory, FeatureTable Table, SegmentationResult Segmentation,
    ClassifierResult? Churn, ClassifierResult? Lead)
{
    /// <summary>Where the run's time went, phase by phase (also in the log: one line at Information, the table at Debug).</summary>
    public PhaseTimings Phases { get; init; } = new();

    /// <summary>The survival model (time to churn), when one was trained.</summary>
    public SurvivalTrained? Survival { get; init; }
}

/// <summary>
/// One training run: features, segmentation (ids kept stable against the champion), churn and lead classifiers
/// with model selection, drift against the champion, the promotion gate, and a new registry version written
/// atomically. A run that fails at any point leaves the champion and every earlier version untouched.
/// </summary>
public static class TrainingRun
{
    /// <param name="progress">Step name and overall fraction done, for a progress bar.</param>
    public static TrainingRunResult Run(TrainingOptions options, ILogger logger, CancellationToken cancellationToken = default,
        IProgress<(string Step, double Fraction)>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var phases = new PhaseTimings();
        progress?.Report(("features", 0));
        var registry = new ModelRegistry(options.RegistryPath);
        var loaded = phases.Measure("features", () => FeatureSources.ForTraining(options.Features, logger, cancellationToken));
        var (table, mode, counts, _) = loaded;
        // Mode B's duration and event columns are the survival model's outcome, not features of any model.
        (table, var durations, var events) = SurvivalRun.SplitOff(table, options.Features);
        WarnAboutLeftOut(loaded.Plan, logger);
        var tableName = TableName(options.Features, table);
        ConstantFeatures.ThrowIfAllConstant(table, tableName);
        // The backtest's and the survival model's features at their other dates come from one pass over the events, not one per date.
        List<FeatureOptions> otherDates = [.. OutOfTimeBacktest.FeatureDates(options, loaded), .. SurvivalRun.FeatureDates(options, loaded, durations)];
        // A registry's first run reads and groups the events to suggest stages: that pass is then the other dates' too.
        var timeline = otherDates.Count > 0 && loaded.Dataset is { } dataset && StageChoice.NeedsSuggestion(registry.Root)
            ? phases.Measure("events read and grouped", () => EventTimeline.Build(dataset, withChannels: false, cancellationToken: cancellationToken))
            : null;
        // Stored now, so the API serving this version uses the stages later batch runs will (StageChoice).
        phases.Measure("stage suggestion", () => StageChoice.EnsureSuggested(registry.Root, loaded.Dataset, timeline, logger, cancellationToken));
        var champion = phases.Measure("champion load", registry.LoadChampion);
        if (champion is not null)
        {
            logger.LogInformation("Champion is {Version}", champion.Metadata.Version);
        }

        progress?.Report(("segments", 0.1));
        logger.LogInformation("Segmenting {Rows} customers", table.RowCount);
        var segmentation = phases.Measure("segments", () => BehaviourSegmentation.Train(table,
            new SegmentationOptions { FixedK = options.Segments, Seed = options.Seed }, champion?.Segmentation, cancellationToken));
        logger.LogInformation("{K} segments: {Reason}", segmentation.ChosenK, segmentation.ChoiceReason);

        var truth = options.Oracle?.AlignTo(table.CustomerIds);
        var classifierOptions = new ClassifierOptions
        {
            Seed = options.Seed,
            Candidates = options.Candidates ?? CandidateSpec.DefaultSweep,
            // The customer's own columns are an export of today, not point-in-time: screened for leakage per model.
            Screen = loaded.Plan?.Attributes.Select(a => a.Name).ToList(),
        };
        progress?.Report(("churn model", 0.3));
        var notTrained = new List<string>();
        var churn = phases.Measure("churn", () => TrainTask(table, PredictionTask.Churn, classifierOptions with { Phases = phases.Scope("churn") },
            truth?.ChurnProbability, notTrained, tableName, logger, cancellationToken));
        progress?.Report(("lead model", 0.65));
        var lead = phases.Measure("lead", () => TrainTask(table, PredictionTask.Lead, classifierOptions with { Phases = phases.Scope("lead") },
            truth?.ConversionProbability, notTrained, tableName, logger, cancellationToken));
        progress?.Report(("backtest", 0.8));
        var asOf = phases.Measure("as-of features", () => timeline is not null ? AsOfFeatures.Build(timeline, otherDates, cancellationToken)
            : AsOfFeatures.Build(loaded.Dataset, otherDates, cancellationToken));
        timeline = null; // its events are counted: let the collector have them
        var backtest = phases.Measure("backtest", () => OutOfTimeBacktest.For(options, loaded, classifierOptions with { Phases = phases.Scope("backtest") },
            truth, [churn, lead], logger, cancellationToken, asOf));
        var ready = options.Features as FeatureTableSource;
        progress?.Report(("survival model", 0.85));
        var survival = phases.Measure("survival", () => SurvivalRun.Train(options, loaded, table, durations, events, notTrained, logger, cancellationToken,
            phases.Scope("survival"), asOf));
        asOf = null; // the other dates' tables are not needed past here: let the collector have them
        var interventions = phases.Measure("interventions", () => InterventionRun.Estimate(loaded, table, segmentation, logger));
        if (churn is null && lead is null && survival is not null && ready is not null)
        {
            notTrained.Clear(); // --duration/--event without --label: the survival model alone was asked for
        }
        else if (churn is null && lead is null)
        {
            if (ready is null)
            {
                throw new InvalidOperationException("no label to learn from: the data has neither churn nor conversion labels with both outcomes present");
            }
            // A ready table without a usable label still has its segments: they are what marketing asked for.
            notTrained = [NoClassifier(ready, notTrained)];
            logger.LogWarning("{Reason}", notTrained[0]);
        }
        else if (ready is not null)
        {
            notTrained.RemoveAll(r => !r.StartsWith("no survival model", StringComparison.Ordinal)); // a ready table has one label: the other task was never asked for
        }

        var now = options.Clock.GetUtcNow().UtcDateTime;
        var fingerprint = Fingerprint(table);
        var version = ModelRegistry.NewVersion(now, fingerprint);
        var floor = phases.Scope("promotion floor");
        var assessed = phases.Measure("promotion floor", () => new[] { churn, lead }.OfType<ClassifierResult>()
            .Select(r => floor.Measure(r.Task.Name, () => PromotionFloor.Assess(table, r, floor.Scope(r.Task.Name)))).ToList());
        var failures = assessed.Where(a => !a.Floor.Passed).Select(a => FloorFailure.Of(a.Result.Task, a.Floor, withheld: !options.Force)).ToList();
        foreach (var failure in failures)
        {
            logger.LogWarning("The {Task} model fails the promotion floor{Forced}: {Reason}", failure.Task, options.Force ? " (served: forced)" : " and is not served", failure.Reason);
        }
        // A model below the floor is withheld from the version (not saved, not served) unless the operator forces it.
        var servedChurn = Served(churn, failures);
        var servedLead = Served(lead, failures);
        IReadOnlyList<DriftEntry> drift = champion is null ? [] : phases.Measure("drift", () => Drift.Against(champion, table, servedChurn, servedLead));
        // The gate sees withheld models too: kept against a champion, the reason says how they compare with its models.
        var decision = phases.Measure("promotion gate", () => PromotionGate.Decide(champion, table, churn, lead,
            new PromotionGateOptions { Tolerance = options.Tolerance, Force = options.Force, Seed = options.Seed }, failures));
        var describePhase = phases.Measure("metadata");

        var metadata = new ModelMetadata
        {
            Version = version,
            CreatedAt = now,
            Mode = mode,
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
            DataFingerprint = fingerprint,
            Rows = counts,
            Features = [.. table.Columns.Select(c => new FeatureSchemaEntry(c.Name, c.Kind.ToString().ToLowerInvariant(), c.Description))],
            FeatureChoices = loaded.Plan is { } plan ? Choices(plan, churn, lead) : null,
            Segmentation = new SegmentationMetadata(segmentation.ChosenK, segmentation.ChoiceReason, segmentation.Candidates,
                segmentation.Profiles, segmentation.NewSegments, segmentation.VanishedSegments) { Columns = segmentation.Columns },
            LabelColumn = ready?.LabelColumn,
            NotTrained = notTrained,
            Backtest = backtest,
            Churn = servedChurn is null ? null : TaskMetadataOf(Of(assessed, servedChurn)),
            Lead = servedLead is null ? null : TaskMetadataOf(Of(assessed, servedLead)),
            Withheld = [.. assessed.Where(a => a.Result != servedChurn && a.Result != servedLead).Select(TaskMetadataOf)],
            Distributions = Drift.Describe(table),
            Drift = drift,
            Promotion = decision,
            GroundTruth = truth is null ? null : Compare(truth, segmentation, churn, lead),
            TrainingSeconds = watch.Elapsed.TotalSeconds,
            AtRisk = servedChurn is null ? null : AtRiskOf(table, servedChurn),
            Survival = survival?.Metadata,
            Interventions = interventions,
        };

        describePhase.Dispose();

        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(("model version and report", 0.95));
        var directory = phases.Measure("registry write", () => WriteVersion(registry, metadata, segmentation, servedChurn, servedLead, survival, logger, phases.Scope("registry write")));
        if (!options.DeferPromotion)
        {
            PromoteOrKeep(registry, version, decision, now, logger);
        }
        LogPhases(phases, logger);
        progress?.Report(("done", 1));
        return new TrainingRunResult(metadata with { Complete = true }, directory, table, segmentation, servedChurn, servedLead) { Phases = phases, Survival = survival };
    }

    /// <summary>Writes the version (models, report, metadata last) under a hidden name and renames it into place.</summary>
    private static string WriteVersion(ModelRegistry registry, ModelMetadata metadata, SegmentationResult segmentation,
        ClassifierResult? churn, ClassifierResult? lead, SurvivalTrained? survival, ILogger logger, PhaseTimings phases)
    {
        string directory;
        using (var staged = registry.BeginVersion(metadata.Version))
        {
            phases.Measure("models", () =>
            {
                segmentation.Model.Save(staged.Directory);
                churn?.Model.Save(staged.Directory, ModelRegistry.ChurnModel);
                lead?.Model.Save(staged.Directory, ModelRegistry.LeadModel);
                survival?.Result.Model.Save(staged.Directory);
            });
            phases.Measure("report", () => Reports.TrainingReport.Write(metadata with { Complete = true }, staged.Directory));
            directory = phases.Measure("metadata and commit", () => staged.Commit(metadata));
        }
        logger.LogInformation("Wrote model version {Version} to {Directory}", metadata.Version, directory);
        return directory;
    }

    /// <summary>The top-level phases on one line (Information), every phase as a table (Debug): where a slow run's time went.</summary>
    private static void LogPhases(PhaseTimings phases, ILogger logger)
    {
        var top = phases.Phases.Where(p => p.Depth == 0).ToList();
        logger.LogInformation("Training took {Seconds:F1} s ({Cpu:F1} s CPU): {Phases}", top.Sum(p => p.Seconds), top.Sum(p => p.CpuSeconds),
            string.Join(", ", top.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Seconds:F1} s"))));
        logger.LogDebug("Training phases (wall and CPU seconds):\n{Table}", phases.Table());
    }

    /// <summary>Promotes the version when the gate said so; otherwise says why it is kept.</summary>
    public static void PromoteOrKeep(ModelRegistry registry, string version, PromotionDecision decision, DateTime now, ILogger logger)
    {
        if (decision.Promoted)
        {
            registry.Promote(version, decision.Reason, now);
            logger.LogInformation("Promoted {Version}: {Reason}", version, decision.Reason);
        }
        else
        {
            logger.LogWarning("Kept {Version} without promoting it: {Reason}", version, decision.Reason);
        }
    }

    /// <summary>The plan's columns with the leakage guard's per-model verdicts added.</summary>
    private static FeatureChoices Choices(FeaturePlan plan, ClassifierResult? churn, ClassifierResult? lead)
    {
        var leftOut = plan.LeftOut.Select(l => new ColumnLeftOut(l.Column, l.Reason, Leak: l.Leak)).ToList();
        foreach (var result in new[] { churn, lead })
        {
            leftOut.AddRange(result?.LeftOut.Select(l => new ColumnLeftOut(l.Column, l.Reason, result.Task.Name, Leak: true)) ?? []);
        }
        return new FeatureChoices([.. plan.Attributes.Select(a => new AttributeUse(a.Name, a.Kind.ToString().ToLowerInvariant(), a.CustomersWithValue))],
            leftOut, plan.Notes);
    }

    /// <summary>The table in the user's words, for errors about its content: the file a ready table came from, or the data folder and as-of date of one built from behaviour logs.</summary>
    private static string TableName(FeatureSource source, FeatureTable table) => source switch
    {
        FeatureTableSource ready => $"the feature table '{Path.GetFileName(ready.Path)}'",
        FeatureRunOptions logs => $"the feature table built from '{Path.GetFileName(Path.TrimEndingDirectorySeparator(logs.DataDirectory))}'" +
            (table.AsOf is { } asOf ? " as of " + asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : ""),
        _ => "the feature table",
    };

    /// <summary>Why a ready table got no classifier, in the user's words: no label column, or too few of one outcome in it.</summary>
    private static string NoClassifier(FeatureTableSource ready, List<string> reasons)
    {
        if (ready.LabelColumn is null)
        {
            return "no classifier: the table has no label column (--label), so segments only";
        }
        var task = PredictionTask.ForLabel(ready.LabelTask);
        var why = reasons.FirstOrDefault(r => r.StartsWith($"no {task} model: ", StringComparison.Ordinal))?[$"no {task} model: ".Length..];
        return $"no {TaskNames.Display(task, TrainingMode.FeatureTable)} model: label column '{ready.LabelColumn}' has {why ?? "no known values"}; segments only";
    }

    private static void WarnAboutLeftOut(FeaturePlan? plan, ILogger logger)
    {
        foreach (var left in plan?.LeftOut ?? [])
        {
            if (left.Leak)
            {
                logger.LogWarning("Customers column {Column} is not a feature: {Reason}", left.Column, left.Reason);
            }
            else
            {
                logger.LogInformation("Customers column {Column} is not a feature: {Reason}", left.Column, left.Reason);
            }
        }
    }

    private static ClassifierResult? TrainTask(FeatureTable table, PredictionTask task, ClassifierOptions options,
        float[]? oracle, List<string> notTrained, string tableName, ILogger logger, CancellationToken cancellationToken)
    {
        var (label, status) = (task.Label, task.Population);
        if (!table.Labels.TryGetValue(label, out var labels))
        {
            notTrained.Add($"no {task} model: the data has no {label} label");
            return null;
        }
        var rows = Enumerable.Range(0, table.RowCount).Where(r => table.Status is null || table.Status[r] == status).ToArray();
        int positives = rows.Count(r => labels[r] == 1), negatives = rows.Count(r => labels[r] == 0);
        if (positives < 10 || negatives < 10)
        {
            logger.LogWarning("No {Task} model: {Positives} positive and {Negatives} negative examples (at least 10 of each needed)", task, positives, negatives);
            notTrained.Add(string.Create(CultureInfo.InvariantCulture,
                $"no {task} model: {positives:N0} positive and {negatives:N0} negative examples among the {status.Name()} rows (at least 10 of each needed)"));
            return null;
        }
        logger.LogInformation("Training the {Task} model on {Rows} customers ({Positives} positive): {Candidates} candidates",
            task, positives + negatives, positives, options.Candidates.Count);
        ClassifierResult result;
        try
        {
            result = ClassifierTraining.Train(table, task, rows, options, oracle, cancellationToken);
        }
        catch (ConstantFeaturesException e) when (e.Table is null)
        {
            throw e.Naming(tableName);
        }
        logger.LogInformation("{Task}: {Reason}; holdout ROC AUC {Auc:F3}, PR-AUC {PrAuc:F3}", task, result.SelectionReason, result.Holdout.Auc, result.Holdout.PrAuc);
        if (result.Calibration is { } calibration)
        {
            logger.LogInformation("{Task} calibration: {Reason}; holdout expected calibration error {Ece:F3}", task, calibration.Reason, calibration.HoldoutEce);
        }
        foreach (var left in result.LeftOut)
        {
            logger.LogWarning("Left {Column} out of the {Task} model: {Reason}", left.Column, task, left.Reason);
        }
        return result;
    }

    private static ClassifierResult? Served(ClassifierResult? result, List<FloorFailure> failures) =>
        result is not null && failures.All(f => f.Task != result.Task || !f.Withheld) ? result : null;

    private static AssessedModel Of(List<AssessedModel> assessed, ClassifierResult result) => assessed.First(a => a.Result == result);

    private static TaskMetadata TaskMetadataOf(AssessedModel assessed)
    {
        var result = assessed.Result;
        string population = result.Task == PredictionTask.Churn ? "customers active at the as-of date" : "leads (not yet customers) at the as-of date";
        return new(result.Task, result.Model.Info.Label, population, result.TrainRows.Length, result.HoldoutRows.Length,
            result.Model.Info.Spec.Trainer, result.Model.Info.Spec.Hyperparameters, result.SelectionReason, result.Candidates,
            result.Holdout, result.OracleAuc, result.Importance, result.Model.Info.Calibration,
            Drift.Describe(result.Task + "_score", result.HoldoutPredictions))
        {
            Intervals = assessed.Intervals,
            HoldoutWarning = assessed.HoldoutWarning,
            Floor = assessed.Floor,
            CalibrationChoice = result.Calibration,
            SelectionWithinNoise = result.SelectionWithinNoise,
        };
    }

    /// <summary>The At-risk cut from the churn model's holdout risks (calibrated) and outcomes: see <see cref="AtRiskCut.Derive"/>.</summary>
    private static AtRiskCut AtRiskOf(FeatureTable table, ClassifierResult churn)
    {
        var labels = table.Labels[churn.Task.Label];
        return AtRiskCut.Derive(churn.HoldoutPredictions, [.. churn.HoldoutRows.Select(r => labels[r])]);
    }

    private static GroundTruthComparison Compare(KnownTruthRows truth, SegmentationResult segmentation, ClassifierResult? churn, ClassifierResult? lead)
    {
        var planted = new List<int>();
        var found = new List<int>();
        for (int r = 0; r < truth.Segment.Length; r++)
        {
            if (truth.Segment[r] >= 0)
            {
                planted.Add(truth.Segment[r]);
                found.Add(segmentation.Assignments[r]);
            }
        }
        double? ari = planted.Count > 1 ? ClusterAgreement.AdjustedRandIndex(planted, found) : null;
        return new GroundTruthComparison(ari, churn?.OracleAuc, churn?.Holdout.Auc, lead?.OracleAuc, lead?.Holdout.Auc);
    }

    /// <summary>A short hash of the feature table (ids and values): two runs on the same data share it.</summary>
    public static string Fingerprint(FeatureTable table)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var id in table.CustomerIds)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(id));
        }
        foreach (var column in table.Columns)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(column.Name));
            if (column is NumericColumn { Values: var numbers })
            {
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(numbers.AsSpan()));
            }
            else if (column is CategoricalColumn { Values: var categories })
            {
                foreach (var c in categories)
                {
                    hash.AppendData(System.Text.Encoding.UTF8.GetBytes(c ?? "\0"));
                }
            }
        }
        foreach (var (name, labels) in table.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..8];
    }
}
