using System.Diagnostics;
using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

public sealed record ScoringOptions
{
    /// <summary>
    /// What to score: behaviour logs (as of the given date, by default the data's own: everything known), or a ready feature
    /// table with the columns the champion was trained on.
    /// </summary>
    public required FeatureSource Features { get; init; }
    public required string RegistryPath { get; init; }
    /// <summary>Also write the ranked list (<see cref="RankedList"/>) as CSV beside the Parquet snapshot.</summary>
    public bool WriteCsv { get; init; }
    /// <summary>The CSV's layout, and whether it is for Excel (UTF-8 with BOM, CRLF).</summary>
    public ExportFormat ExportFormat { get; init; } = ExportFormat.Default;
    public int TopFactors { get; init; } = 3;
    /// <summary>Stage config (JSON); default: stages.json in the registry folder when present, else the suggestion stored there (made for the data by the first run without one).</summary>
    public string? StagesFile { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>Score with this version instead of the champion (a retraining run's new version, before it is promoted).</summary>
    public string? Version { get; init; }
}

public sealed record ScoringResult(Snapshot Snapshot, string SnapshotPath, string? CsvPath, string? PreviousSnapshot, TimeSpan Elapsed)
{
    /// <summary>What this run could not do on this data, and why (stage rules left out, alerts that cannot fire): also in the run's report.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The run's report (Markdown) beside the snapshot.</summary>
    public string? ReportPath { get; init; }
    /// <summary>How the champion was trained, so its scores are called what the user called them.</summary>
    public TrainingMode Mode { get; init; }
    /// <summary>The At-risk cut this run applied and how many it listed (with the training cut's holdout precision and recall); null when no stage reads the model's cut.</summary>
    public string? AtRisk { get; init; }

    /// <summary>The customers most at risk, highest first (ties by id): the first section of the CSV, and the API's churn-risk list.</summary>
    public IEnumerable<int> RankedByRisk() => RankedList.ByChurnRisk(Snapshot);

    /// <summary>The snapshot's customers by section: what the CSV holds, in its order.</summary>
    public ListCounts Counts => RankedList.Count(Snapshot, Enumerable.Range(0, Snapshot.Count));
}

/// <summary>
/// Scores every customer with the champion: segment, churn risk (customers), lead score (leads), top factors in
/// words, and the change since the previous snapshot with the features that moved most. Writes a new snapshot.
/// </summary>
public static class ScoringRun
{
    public static ScoringResult Run(ScoringOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var registry = new ModelRegistry(options.RegistryPath);
        var models = (options.Version is { } version ? registry.Load(version) : registry.LoadChampion())
            ?? throw new NotReadyException($"no champion model in {registry.Root}: train one first ('journeyml train' or 'journeyml retrain')");
        var now = options.Clock.GetUtcNow().UtcDateTime;
        var loaded = FeatureSources.ForScoring(options.Features, models, now, logger, cancellationToken);
        var table = loaded.Table;
        var signals = new StageSignals([.. table.Columns.Select(c => c.Name)])
        {
            HasStatus = loaded.StatusKnown,
            HasChurnRisk = models.Churn is not null,
            HasLeadScore = models.Lead is not null,
        }.WithModel(models.Metadata);
        var stages = options.StagesFile is { } stagesFile ? StageModel.Load(stagesFile, signals) : StageChoice.ForRun(registry.Root, signals, loaded.Dataset, events: null, logger, cancellationToken);
        var notes = ScoringNotes.Of(stages, models, loaded);
        foreach (var note in notes)
        {
            logger.LogWarning("{Note}", note);
        }
        var stagesNow = StagesNow(stages, models, loaded, logger, cancellationToken);
        var snapshot = BatchScoring.Score(table, models, options.TopFactors, stages, loaded.PassThrough, stagesNow);
        var previousPath = Snapshot.PreviousTo(registry.SnapshotsDirectory, snapshot.AsOf);
        if (previousPath is not null)
        {
            var previous = Snapshot.Read(previousPath);
            Changes.Apply(snapshot, previous, table);
            logger.LogInformation("Compared with the previous snapshot {Previous}", Path.GetFileName(previousPath));
        }
        var path = Path.Combine(registry.SnapshotsDirectory, Snapshot.FileName(snapshot.AsOf, now, models.Metadata.Version));
        snapshot.Write(path);
        string? csv = null;
        if (options.WriteCsv)
        {
            csv = Path.ChangeExtension(path, ".csv");
            WriteRankedList(snapshot, csv, options.ExportFormat);
        }
        var report = ScoringNotes.ReportPath(path);
        // The same cut the scorer applied (ForRun is deterministic), to say in words what the At-risk list is.
        var atRisk = stages.ForRun(snapshot.ChurnRisk).AtRiskRun?.Describe(models.Metadata.AtRisk);
        AtomicFile.WriteAllText(report, ScoringNotes.Report(snapshot, models, stages, notes, loaded, atRisk));
        logger.LogInformation("Scored {Customers} customers as of {AsOf:yyyy-MM-dd} with {Version} in {Seconds:F1} s; snapshot {Path}",
            snapshot.Count, snapshot.AsOf, models.Metadata.Version, watch.Elapsed.TotalSeconds, path);
        return new ScoringResult(snapshot, path, csv, previousPath, watch.Elapsed) { Notes = notes, ReportPath = report, Mode = models.Metadata.Mode, AtRisk = atRisk };
    }

    /// <summary>
    /// With exit conditions a stage depends on the stages before it: each customer's stage is the one their canonical stage
    /// timeline (weekly, ending on the as-of date, this champion's scores) holds, the same the journey map shows now.
    /// Null (the entry rules on the as-of date) without exit conditions, where that is the same, or without events.
    /// </summary>
    private static IReadOnlyDictionary<string, StagePosition>? StagesNow(StageModel stages, LoadedModels models, LoadedFeatures loaded, ILogger logger,
        CancellationToken cancellationToken)
    {
        if (!stages.HasHysteresis || loaded.Dataset is not { } dataset)
        {
            return null;
        }
        var watch = Stopwatch.StartNew();
        var asOf = (loaded.Table.AsOf ?? dataset.DataAsOf).Date;
        var now = StageNow.Canonical(dataset, stages, asOf, models, cancellationToken);
        logger.LogInformation("Stages from the weekly stage timelines to {AsOf:yyyy-MM-dd} (exit conditions hold customers) in {Seconds:F1} s", asOf, watch.Elapsed.TotalSeconds);
        return now;
    }

    /// <summary>
    /// The snapshot as the ranked churn-risk list a CS team opens: one file, paying customers by churn risk first (ranked
    /// 1..n, as the API's churn-risk list), then leads by lead score, then churned customers, told apart by the status column.
    /// </summary>
    public static void WriteRankedList(Snapshot snapshot, string path, ExportFormat format)
    {
        var rank = new int?[snapshot.Count];
        var byRisk = RankedList.ByChurnRisk(snapshot);
        for (int i = 0; i < byRisk.Length; i++)
        {
            rank[byRisk[i]] = i + 1;
        }
        CustomerExport.Write(path, CustomerExport.PassThroughNames(snapshot), RankedList.All(snapshot).Select(r => CustomerRow.From(snapshot, r, rank[r])), format);
    }
}
