using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>
/// Where a run's feature table comes from: behaviour logs, built as of a date (<see cref="FeatureRunOptions"/>, mode A),
/// or a ready table of one row per customer (<see cref="FeatureTableSource"/>, mode B). Training and scoring both take
/// one; everything after the feature step is unaware of which it was.
/// </summary>
public abstract record FeatureSource
{
    private protected FeatureSource()
    {
    }
}

/// <summary>Mode B: a ready feature table (CSV or Parquet), its id column and, for training, its label column.</summary>
public sealed record FeatureTableSource(string Path) : FeatureSource
{
    public string IdColumn { get; init; } = FeatureTableFiles.IdColumn;
    /// <summary>The label column; training needs it, scoring ignores it.</summary>
    public string? LabelColumn { get; init; }
    /// <summary>What the label means: churn (default) or conversion.</summary>
    public string LabelTask { get; init; } = LabelNames.Churn;
    public InvalidRowPolicy Policy { get; init; } = InvalidRowPolicy.Strict;
    /// <summary>How a CSV table is read (its encoding and delimiter); default: detected.</summary>
    public CsvFormat Csv { get; init; } = CsvFormat.Detect;
}

/// <summary>A source's feature table with what a training run records about it.</summary>
internal sealed record LoadedFeatures(FeatureTable Table, TrainingMode Mode, RowCounts Counts);

internal static class FeatureSources
{
    /// <summary>The table to train on: labels present; a ready table's rows all belong to its label's task.</summary>
    public static LoadedFeatures ForTraining(FeatureSource source, ILogger logger, CancellationToken cancellationToken) => source switch
    {
        FeatureRunOptions logs => FromLogs(logs, logger, cancellationToken),
        FeatureTableSource ready => FromTable(ready, ready.LabelColumn
            ?? throw new InvalidInputException("a ready feature table needs its label column (--label)"),
            ready.LabelTask == LabelNames.Conversion ? CustomerStatus.Lead : CustomerStatus.Customer, asOf: null),
        _ => throw new InvalidInputException("give either behaviour logs (a data folder) or a ready feature table"),
    };

    /// <summary>
    /// The table to score. Behaviour logs are scored on everything known (as of the data's own date) unless an as-of date
    /// is given; a ready table's rows all get the champion's task (churn risk, else lead score), as of <paramref name="today"/>.
    /// </summary>
    public static FeatureTable ForScoring(FeatureSource source, LoadedModels champion, DateTime today, ILogger logger, CancellationToken cancellationToken) => source switch
    {
        FeatureRunOptions logs => FromLogs(logs with { AsOfRule = AsOfRule.DataAsOf }, logger, cancellationToken).Table,
        FeatureTableSource ready => FromTable(ready, label: null,
            champion.Churn is not null ? CustomerStatus.Customer : CustomerStatus.Lead, today.Date).Table,
        _ => throw new InvalidInputException("give either behaviour logs (a data folder) or a ready feature table to score"),
    };

    private static LoadedFeatures FromLogs(FeatureRunOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var run = FeatureRun.Run(options with { OutputPath = null }, logger, cancellationToken: cancellationToken);
        var s = run.Summary;
        return new LoadedFeatures(run.Table, TrainingMode.BehaviourLogs,
            new RowCounts(s.Rows, s.RowsByStatus, s.SignedUpOnOrAfterAsOf, s.EventsBeforeAsOf, s.EventsOnOrAfterAsOf, run.Report.TotalProblems));
    }

    // A ready table has no lifecycle status: every row gets the one its task implies.
    private static LoadedFeatures FromTable(FeatureTableSource source, string? label, CustomerStatus status, DateTime? asOf)
    {
        var report = new ValidationReport(source.Policy);
        var read = FeatureTableFiles.Read(source.Path, report, source.IdColumn, label, source.LabelTask, source.Csv);
        var table = new FeatureTable(read.CustomerIds, read.Columns)
        {
            Labels = read.Labels,
            AccountIds = read.AccountIds,
            Status = [.. read.CustomerIds.Select(_ => status)],
            AsOf = asOf,
        };
        return new LoadedFeatures(table, TrainingMode.FeatureTable, new RowCounts(table.RowCount, new Dictionary<string, int> { [status.Name()] = table.RowCount }, 0, 0, 0, 0));
    }
}
