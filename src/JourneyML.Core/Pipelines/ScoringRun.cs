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
    /// <summary>Also write the snapshot as CSV beside the Parquet file.</summary>
    public bool WriteCsv { get; init; }
    public int TopFactors { get; init; } = 3;
    /// <summary>Stage config (JSON); default: stages.json in the registry folder when present, else the built-in B2B SaaS stages.</summary>
    public string? StagesFile { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

public sealed record ScoringResult(Snapshot Snapshot, string SnapshotPath, string? CsvPath, string? PreviousSnapshot, TimeSpan Elapsed)
{
    /// <summary>What this run could not do on this data, and why (stage rules left out, alerts that cannot fire): also in the run's report.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>The run's report (Markdown) beside the snapshot.</summary>
    public string? ReportPath { get; init; }
    /// <summary>How the champion was trained, so its scores are called what the user called them.</summary>
    public TrainingMode Mode { get; init; }

    /// <summary>The customers most at risk, highest first.</summary>
    public IEnumerable<int> RankedByRisk() =>
        Enumerable.Range(0, Snapshot.Count).Where(r => !float.IsNaN(Snapshot.ChurnRisk[r])).OrderByDescending(r => Snapshot.ChurnRisk[r]).ThenBy(r => Snapshot.CustomerIds[r], StringComparer.Ordinal);
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
        var models = registry.LoadChampion()
            ?? throw new NotReadyException($"no champion model in {registry.Root}: train one first ('journeyml train' or 'journeyml retrain')");
        var now = options.Clock.GetUtcNow().UtcDateTime;
        var loaded = FeatureSources.ForScoring(options.Features, models, now, logger, cancellationToken);
        var table = loaded.Table;
        var signals = new StageSignals([.. table.Columns.Select(c => c.Name)])
        {
            HasStatus = loaded.StatusKnown,
            HasChurnRisk = models.Churn is not null,
            HasLeadScore = models.Lead is not null,
        };
        var stages = options.StagesFile is { } stagesFile ? StageModel.Load(stagesFile, signals) : StageModel.ForRegistry(registry.Root, signals);
        var notes = ScoringNotes.Of(stages, models, loaded);
        foreach (var note in notes)
        {
            logger.LogWarning("{Note}", note);
        }
        var snapshot = BatchScoring.Score(table, models, options.TopFactors, stages);
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
            snapshot.Write(csv);
        }
        var report = ScoringNotes.ReportPath(path);
        AtomicFile.WriteAllText(report, ScoringNotes.Report(snapshot, models, stages, notes, loaded));
        logger.LogInformation("Scored {Customers} customers as of {AsOf:yyyy-MM-dd} with {Version} in {Seconds:F1} s; snapshot {Path}",
            snapshot.Count, snapshot.AsOf, models.Metadata.Version, watch.Elapsed.TotalSeconds, path);
        return new ScoringResult(snapshot, path, csv, previousPath, watch.Elapsed) { Notes = notes, ReportPath = report, Mode = models.Metadata.Mode };
    }
}
