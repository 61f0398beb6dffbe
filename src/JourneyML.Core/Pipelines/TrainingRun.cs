using System.Diagnostics;
using System.Security.Cryptography;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.SampleData;
using JourneyML.Core.Segmentation;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>Settings of a training run.</summary>
public sealed record TrainingOptions
{
    /// <summary>Mode A: build features from behaviour logs (as of <see cref="FeatureRunOptions.AsOf"/>).</summary>
    public FeatureRunOptions? Features { get; init; }
    /// <summary>Mode B: a ready feature table, its id and label columns.</summary>
    public string? FeatureTable { get; init; }
    public string IdColumn { get; init; } = FeatureTableFiles.IdColumn;
    public string? LabelColumn { get; init; }
    /// <summary>In mode B, how invalid rows of the feature table are treated (mode A takes it from <see cref="Features"/>).</summary>
    public InvalidRowPolicy Policy { get; init; } = InvalidRowPolicy.Strict;
    /// <summary>In mode B, what the label means: churn (default) or conversion.</summary>
    public string LabelTask { get; init; } = LabelNames.Churn;

    public required string RegistryPath { get; init; }
    /// <summary>A fixed number of segments (<c>--segments K</c>); default: chosen automatically.</summary>
    public int? Segments { get; init; }
    public int Seed { get; init; } = 1;
    public IReadOnlyList<CandidateSpec>? Candidates { get; init; }
    /// <summary>How much worse (PR-AUC) a challenger may be than the champion on the same holdout and still be promoted.</summary>
    public double Tolerance { get; init; } = 0.01;
    /// <summary>Promote even when the gate says no.</summary>
    public bool Force { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

public sealed record TrainingRunResult(ModelMetadata Metadata, string VersionDirectory, FeatureTable Table, SegmentationResult Segmentation,
    ClassifierResult? Churn, ClassifierResult? Lead);

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
        progress?.Report(("features", 0));
        var registry = new ModelRegistry(options.RegistryPath);
        var (table, mode, counts, dataDirectory) = LoadFeatures(options, logger, cancellationToken);
        var champion = registry.LoadChampion();
        if (champion is not null)
        {
            logger.LogInformation("Champion is {Version}", champion.Metadata.Version);
        }

        progress?.Report(("segments", 0.1));
        logger.LogInformation("Segmenting {Rows} customers", table.RowCount);
        var segmentation = BehaviourSegmentation.Train(table,
            new SegmentationOptions { FixedK = options.Segments, Seed = options.Seed }, champion?.Segmentation, cancellationToken);
        logger.LogInformation("{K} segments: {Reason}", segmentation.ChosenK, segmentation.ChoiceReason);

        var truth = dataDirectory is null ? null : GroundTruth.TryLoad(dataDirectory, table);
        var classifierOptions = new ClassifierOptions { Seed = options.Seed, Candidates = options.Candidates ?? CandidateSpec.DefaultSweep };
        progress?.Report(("churn model", 0.3));
        var churn = TrainTask(table, "churn", LabelNames.Churn, CustomerStatus.Customer, classifierOptions, truth?.ChurnProbability, logger, cancellationToken);
        progress?.Report(("lead model", 0.65));
        var lead = TrainTask(table, "lead", LabelNames.Conversion, CustomerStatus.Lead, classifierOptions, truth?.ConversionProbability, logger, cancellationToken);
        if (churn is null && lead is null)
        {
            throw new InvalidOperationException("no label to learn from: the data has neither churn nor conversion labels with both outcomes present");
        }

        var now = options.Clock.GetUtcNow().UtcDateTime;
        var fingerprint = Fingerprint(table);
        var version = ModelRegistry.NewVersion(now, fingerprint);
        var drift = champion is null ? [] : DriftAgainst(champion, table, churn, lead);
        var decision = Gate(champion, table, churn, lead, options, drift);

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
            Segmentation = new SegmentationMetadata(segmentation.ChosenK, segmentation.ChoiceReason, segmentation.Candidates,
                segmentation.Profiles, segmentation.NewSegments, segmentation.VanishedSegments),
            Churn = churn is null ? null : TaskMetadataOf(churn, "customers active at the as-of date"),
            Lead = lead is null ? null : TaskMetadataOf(lead, "leads (not yet customers) at the as-of date"),
            Distributions = Drift.Describe(table),
            Drift = drift,
            Promotion = decision,
            GroundTruth = truth is null ? null : Compare(truth, segmentation, churn, lead),
            TrainingSeconds = watch.Elapsed.TotalSeconds,
        };

        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(("model version and report", 0.95));
        string directory;
        using (var staged = registry.BeginVersion(version))
        {
            segmentation.Model.Save(staged.Directory);
            churn?.Model.Save(staged.Directory, ModelRegistry.ChurnModel);
            lead?.Model.Save(staged.Directory, ModelRegistry.LeadModel);
            Reports.TrainingReport.Write(metadata with { Complete = true }, staged.Directory);
            directory = staged.Commit(metadata);
        }
        logger.LogInformation("Wrote model version {Version} to {Directory}", version, directory);
        if (decision.Promoted)
        {
            registry.Promote(version, decision.Reason, now);
            logger.LogInformation("Promoted {Version}: {Reason}", version, decision.Reason);
        }
        else
        {
            logger.LogWarning("Kept {Version} without promoting it: {Reason}", version, decision.Reason);
        }
        progress?.Report(("done", 1));
        return new TrainingRunResult(metadata with { Complete = true }, directory, table, segmentation, churn, lead);
    }

    private static (FeatureTable Table, string Mode, RowCounts Counts, string? DataDirectory) LoadFeatures(TrainingOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.Features is { } featureOptions)
        {
            var run = FeatureRun.Run(featureOptions with { OutputPath = null }, logger, cancellationToken: cancellationToken);
            var s = run.Summary;
            return (run.Table, "behaviour-logs",
                new RowCounts(s.Rows, s.RowsByStatus, s.SignedUpOnOrAfterAsOf, s.EventsBeforeAsOf, s.EventsOnOrAfterAsOf, run.Report.TotalProblems),
                featureOptions.DataDirectory);
        }
        if (options.FeatureTable is { } path)
        {
            var report = new ValidationReport(options.Policy);
            var table = FeatureTableFiles.Read(path, report, options.IdColumn, options.LabelColumn
                ?? throw new InvalidInputException("a ready feature table needs its label column (--label)"), options.LabelTask);
            // Mode B has no lifecycle status: every labelled row belongs to the label's task.
            var status = options.LabelTask == LabelNames.Conversion ? CustomerStatus.Lead : CustomerStatus.Customer;
            table = new FeatureTable(table.CustomerIds, table.Columns)
            {
                Labels = table.Labels,
                AccountIds = table.AccountIds,
                Status = [.. table.CustomerIds.Select(_ => status)],
            };
            return (table, "feature-table", new RowCounts(table.RowCount, new Dictionary<string, int> { [status] = table.RowCount }, 0, 0, 0, 0),
                Path.GetDirectoryName(Path.GetFullPath(path)));
        }
        throw new InvalidInputException("give either behaviour logs (a data folder) or a ready feature table");
    }

    private static ClassifierResult? TrainTask(FeatureTable table, string task, string label, string status, ClassifierOptions options,
        float[]? oracle, ILogger logger, CancellationToken cancellationToken)
    {
        if (!table.Labels.TryGetValue(label, out var labels))
        {
            return null;
        }
        var rows = Enumerable.Range(0, table.RowCount).Where(r => table.Status is null || table.Status[r] == status).ToArray();
        int positives = rows.Count(r => labels[r] == 1), negatives = rows.Count(r => labels[r] == 0);
        if (positives < 10 || negatives < 10)
        {
            logger.LogWarning("No {Task} model: {Positives} positive and {Negatives} negative examples (at least 10 of each needed)", task, positives, negatives);
            return null;
        }
        logger.LogInformation("Training the {Task} model on {Rows} customers ({Positives} positive): {Candidates} candidates",
            task, positives + negatives, positives, options.Candidates.Count);
        var result = ClassifierTraining.Train(table, task, label, rows, options, oracle, cancellationToken);
        logger.LogInformation("{Task}: {Reason}; holdout ROC AUC {Auc:F3}, PR-AUC {PrAuc:F3}", task, result.SelectionReason, result.Holdout.Auc, result.Holdout.PrAuc);
        return result;
    }

    private static TaskMetadata TaskMetadataOf(ClassifierResult result, string population) => new(
        result.Task, result.Model.Info.Label, population, result.TrainRows.Length, result.HoldoutRows.Length,
        result.Model.Info.Spec.Trainer, result.Model.Info.Spec.Hyperparameters, result.SelectionReason, result.Candidates,
        result.Holdout, result.OracleAuc, result.Importance, result.Model.Info.Calibration,
        Drift.Describe(result.Task + "_score", result.HoldoutPredictions));

    /// <summary>
    /// Not worse than the champion beyond the tolerance, on this run's holdout: the champion scores exactly the rows the
    /// challenger was measured on. A champion that cannot score this data (a feature it needs is gone) is no comparison.
    /// </summary>
    private static PromotionDecision Gate(LoadedModels? champion, FeatureTable table, ClassifierResult? churn, ClassifierResult? lead,
        TrainingOptions options, IReadOnlyList<DriftEntry> drift)
    {
        if (champion is null)
        {
            return new PromotionDecision(true, "first model in the registry", null, [], false);
        }
        var comparisons = new List<GateComparison>();
        var problems = new List<string>();
        foreach (var (challenger, incumbent) in new[] { (churn, champion.Churn), (lead, champion.Lead) })
        {
            if (challenger is null)
            {
                if (incumbent is not null)
                {
                    problems.Add($"the champion has a {incumbent.Info.Task} model and this run has none");
                }
                continue;
            }
            if (incumbent is null)
            {
                continue;
            }
            float[] championScores;
            try
            {
                championScores = incumbent.Predict(table, challenger.HoldoutRows);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"the champion's {challenger.Task} model cannot score this data ({ex.Message})");
                continue;
            }
            var truth = challenger.HoldoutRows.Select(r => table.Labels[challenger.Model.Info.Label][r]).ToArray();
            var championMetrics = ClassificationMetrics.Compute(championScores, truth);
            var (prUpper, aucUpper) = BootstrapUpper(challenger.HoldoutPredictions, championScores, truth, options.Seed);
            comparisons.Add(Compare(challenger.Task, "PR-AUC", challenger.Holdout.PrAuc, championMetrics.PrAuc, options.Tolerance, prUpper));
            comparisons.Add(Compare(challenger.Task, "ROC AUC", challenger.Holdout.Auc, championMetrics.Auc, options.Tolerance, aucUpper));
        }
        var worse = comparisons.Where(c => !c.NotWorse).ToList();
        string previous = champion.Metadata.Version;
        if (worse.Count == 0 && problems.Count == 0)
        {
            var summary = string.Join("; ", comparisons.Where(c => c.Metric == "PR-AUC").Select(c => $"{c.Task} PR-AUC {c.Challenger:F3} vs champion {c.Champion:F3}"));
            return new PromotionDecision(true, $"not worse than champion {previous} on the same holdout (tolerance {options.Tolerance:F3}, beyond holdout noise): {summary}", previous, comparisons, false);
        }
        var why = string.Join("; ", worse.Select(c => $"{c.Task} {c.Metric} {c.Challenger:F3} is below the champion's {c.Champion:F3} by more than {c.Tolerance:F3}, beyond holdout noise (95% upper bound of the difference {c.DifferenceUpper95:F3})").Concat(problems));
        return options.Force
            ? new PromotionDecision(true, $"forced (--force) although: {why}", previous, comparisons, true)
            : new PromotionDecision(false, $"kept, not promoted: {why}", previous, comparisons, false);
    }

    /// <summary>
    /// Features against the champion's training data, and scores as the champion itself gives them on this data against
    /// its own holdout scores: both measure the population moving, not the difference between two models.
    /// </summary>
    private static GateComparison Compare(string task, string metric, double challenger, double champion, double tolerance, double upper) =>
        new(task, metric, challenger, champion, tolerance, challenger >= champion - tolerance || upper >= -tolerance) { DifferenceUpper95 = upper };

    /// <summary>95th percentile of (challenger - champion) PR-AUC and ROC AUC over 200 paired resamples of the holdout.</summary>
    private static (double PrAuc, double Auc) BootstrapUpper(float[] challenger, float[] champion, float[] truth, int seed)
    {
        const int resamples = 200;
        var random = new Random(seed);
        var prDiffs = new double[resamples];
        var aucDiffs = new double[resamples];
        int n = truth.Length;
        var a = new float[n];
        var b = new float[n];
        var y = new float[n];
        for (int s = 0; s < resamples; s++)
        {
            for (int i = 0; i < n; i++)
            {
                int pick = random.Next(n);
                a[i] = challenger[pick];
                b[i] = champion[pick];
                y[i] = truth[pick];
            }
            prDiffs[s] = ClassificationMetrics.PrAucOf(a, y) - ClassificationMetrics.PrAucOf(b, y);
            aucDiffs[s] = ClassificationMetrics.RocAuc(a, y) - ClassificationMetrics.RocAuc(b, y);
        }
        Array.Sort(prDiffs);
        Array.Sort(aucDiffs);
        int at = (int)(resamples * 0.95);
        return (prDiffs[at], aucDiffs[at]);
    }

    private static List<DriftEntry> DriftAgainst(LoadedModels champion, FeatureTable table, ClassifierResult? churn, ClassifierResult? lead)
    {
        var entries = new List<DriftEntry>();
        foreach (var baseline in champion.Metadata.Distributions)
        {
            if (table.Find(baseline.Name) is { Kind: FeatureKind.Numeric } column)
            {
                double psi = Drift.Psi(baseline, column.Numbers!);
                entries.Add(new DriftEntry(baseline.Name, psi, psi > Drift.FlagThreshold));
            }
        }
        foreach (var (result, model, baseline) in new[]
        {
            (churn, champion.Churn, champion.Metadata.Churn?.ScoreDistribution),
            (lead, champion.Lead, champion.Metadata.Lead?.ScoreDistribution),
        })
        {
            if (result is null || model is null || baseline is null)
            {
                continue;
            }
            try
            {
                double psi = Drift.Psi(baseline, model.Predict(table, result.HoldoutRows));
                entries.Add(new DriftEntry(baseline.Name, psi, psi > Drift.FlagThreshold));
            }
            catch (InvalidOperationException)
            {
                // The champion cannot score this data (a feature it needs is gone): the gate reports that.
            }
        }
        return [.. entries.OrderByDescending(e => e.Psi)];
    }

    private static GroundTruthComparison Compare(GroundTruth truth, SegmentationResult segmentation, ClassifierResult? churn, ClassifierResult? lead)
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
            if (column.Numbers is { } numbers)
            {
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(numbers.AsSpan()));
            }
            else
            {
                foreach (var c in column.Categories!)
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
