using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
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
    /// <summary>The label column; without one, training finds and saves the segments only. Scoring leaves the champion's label column out of the features.</summary>
    public string? LabelColumn { get; init; }
    /// <summary>What the label means: churn (default) or conversion.</summary>
    public string LabelTask { get; init; } = LabelNames.Churn;
    public InvalidRowPolicy Policy { get; init; } = InvalidRowPolicy.Strict;
    /// <summary>How a CSV table is read (its encoding and delimiter); default: detected.</summary>
    public CsvFormat Csv { get; init; } = CsvFormat.Detect;
    /// <summary>Training only: the column of days each customer was followed (to its churn, or to the data's end); with <see cref="EventColumn"/> it trains the survival model.</summary>
    public string? DurationColumn { get; init; }
    /// <summary>Training only: the column saying whether the customer churned at the end of its duration (1) or was still paying (0: censored).</summary>
    public string? EventColumn { get; init; }
}

/// <summary>A source's feature table with what a run records about it.</summary>
/// <param name="StatusKnown">Whether each row's lifecycle status comes from the data (mode A, or a table's status column) rather than from the task.</param>
internal sealed record LoadedFeatures(FeatureTable Table, TrainingMode Mode, RowCounts Counts, bool StatusKnown)
{
    /// <summary>The customers' own columns (email, name, owner...) the snapshot passes through to the exports, aligned to the rows.</summary>
    public IReadOnlyList<PassThroughValues> PassThrough { get; init; } = [];
    /// <summary>Which features the feature step wrote and why (behaviour logs only).</summary>
    public FeaturePlan? Plan { get; init; }
    /// <summary>The opened export (behaviour logs only), so a run can build the same features as of another date (the backtest).</summary>
    public Dataset? Dataset { get; init; }
}

internal static class FeatureSources
{
    /// <summary>The table to train on; a ready table's rows all belong to its label's task unless it has a status column.</summary>
    public static LoadedFeatures ForTraining(FeatureSource source, ILogger logger, CancellationToken cancellationToken) => source switch
    {
        FeatureRunOptions logs => FromLogs(logs, logger, cancellationToken),
        FeatureTableSource ready => FromTable(ready, ready.LabelColumn,
            ready.LabelTask == LabelNames.Conversion ? CustomerStatus.Lead : CustomerStatus.Customer, asOf: null),
        _ => throw new InvalidInputException("give either behaviour logs (a data folder) or a ready feature table"),
    };

    /// <summary>
    /// The table to score. Behaviour logs are scored on everything known (as of the data's own date) unless an as-of date
    /// is given; a ready table's rows all get the champion's task (churn risk, else lead score), as of <paramref name="today"/>,
    /// unless it has a status column; the champion's label column, when the table has it, is not a feature.
    /// </summary>
    public static LoadedFeatures ForScoring(FeatureSource source, LoadedModels champion, DateTime today, ILogger logger, CancellationToken cancellationToken) => source switch
    {
        // A reused table is checked against the champion's horizon: its labels are the ones that model's runs write.
        FeatureRunOptions logs => FromLogs(logs with
        {
            AsOfRule = AsOfRule.DataAsOf,
            HorizonDays = logs.FeaturesFile is not null ? champion.Metadata.HorizonDays ?? logs.HorizonDays : logs.HorizonDays,
        }, logger, cancellationToken),
        FeatureTableSource ready => WithoutColumn(FromTable(ready, label: null,
            champion.Churn is null && champion.Lead is not null ? CustomerStatus.Lead : CustomerStatus.Customer, today.Date),
            champion.Metadata.LabelColumn),
        _ => throw new InvalidInputException("give either behaviour logs (a data folder) or a ready feature table to score"),
    };

    /// <summary>The customers' passed-through columns (email, name, owner...) aligned to the feature table's rows.</summary>
    private static IReadOnlyList<PassThroughValues> PassThrough(FeatureTable table, CustomerTable customers) =>
    [
        .. customers.PassThrough.Select(column => new PassThroughValues(column.Name,
            [.. table.CustomerIds.Select(id => customers.TryGetIndex(id, out int c) ? customers[c].Attributes.GetValueOrDefault(column.Name) : null)])),
    ];

    private static LoadedFeatures FromLogs(FeatureRunOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var run = FeatureRun.Run(options with { OutputPath = null }, logger, cancellationToken: cancellationToken);
        var s = run.Summary;
        return new LoadedFeatures(run.Table, TrainingMode.BehaviourLogs,
            new RowCounts(s.Rows, s.RowsByStatus, s.SignedUpOnOrAfterAsOf, s.EventsBeforeAsOf, s.EventsOnOrAfterAsOf, run.InvalidRows), StatusKnown: true)
        {
            PassThrough = PassThrough(run.Table, run.Dataset.Customers),
            Plan = s.Plan,
            Dataset = run.Dataset,
        };
    }

    // A ready table has no lifecycle status unless it holds the status column JourneyML writes: every row gets the one its task implies.
    private static LoadedFeatures FromTable(FeatureTableSource source, string? label, CustomerStatus implied, DateTime? asOf)
    {
        var report = new ValidationReport(source.Policy);
        var read = FeatureTableFiles.Read(source.Path, report, source.IdColumn, label, source.LabelTask, source.Csv);
        var status = read.Status ?? [.. read.CustomerIds.Select(_ => implied)];
        var table = new FeatureTable(read.CustomerIds, read.Columns)
        {
            Labels = read.Labels,
            AccountIds = read.AccountIds,
            Status = status,
            AsOf = asOf,
        };
        var byStatus = status.GroupBy(s => s.Name()).ToDictionary(g => g.Key, g => g.Count());
        return new LoadedFeatures(table, TrainingMode.FeatureTable, new RowCounts(table.RowCount, byStatus, 0, 0, 0, report.TotalProblems),
            StatusKnown: read.Status is not null);
    }

    /// <summary>The table without one column (the label a scored table may still hold): a label is never a feature or a factor.</summary>
    private static LoadedFeatures WithoutColumn(LoadedFeatures loaded, string? column)
    {
        var t = loaded.Table;
        if (column is null || t.Find(column) is not { } found)
        {
            return loaded;
        }
        var table = new FeatureTable(t.CustomerIds, [.. t.Columns.Where(c => c != found)])
        {
            Labels = t.Labels, AccountIds = t.AccountIds, Status = t.Status, AsOf = t.AsOf, HorizonDays = t.HorizonDays,
        };
        return loaded with { Table = table };
    }
}
