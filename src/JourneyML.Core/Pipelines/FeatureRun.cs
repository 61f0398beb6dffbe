using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using Microsoft.Extensions.Logging;

namespace JourneyML.Core.Pipelines;

/// <summary>What the as-of date is when none is given.</summary>
public enum AsOfRule
{
    /// <summary>The latest date whose labels are complete: the data's as-of date minus the horizon (training).</summary>
    LabelsComplete,
    /// <summary>The data's own as-of date: everything known (scoring).</summary>
    DataAsOf,
}

/// <summary>Settings of the feature step as the CLI and retraining jobs run it: mode A's feature source, behaviour logs.</summary>
public sealed record FeatureRunOptions : FeatureSource
{
    public required string DataDirectory { get; init; }
    public string? MappingFile { get; init; }
    /// <summary>Default: as <see cref="AsOfRule"/> says.</summary>
    public DateTime? AsOf { get; init; }
    /// <summary>The as-of date when <see cref="AsOf"/> is not given; scoring runs always use <see cref="Pipelines.AsOfRule.DataAsOf"/>.</summary>
    public AsOfRule AsOfRule { get; init; } = AsOfRule.LabelsComplete;
    public int HorizonDays { get; init; } = 90;
    /// <summary>Overrides the mapping's dataAsOf (when the export was taken).</summary>
    public DateTime? DataAsOf { get; init; }
    public InvalidRowPolicy Policy { get; init; } = InvalidRowPolicy.Strict;
    /// <summary>Where the feature table goes (.parquet or .csv); a report (.report.md) is written beside it. Null writes nothing.</summary>
    public string? OutputPath { get; init; }
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// A table <c>journeyml features</c> wrote from this export: reused for the as-of date's features instead of building
    /// them again, after checking it fits the run (<see cref="FeatureReuse"/>). Null builds them.
    /// </summary>
    public string? FeaturesFile { get; init; }
    /// <summary>What counts the events (<c>features --engine</c>); null is the C# builder.</summary>
    public IFeatureEngine? Engine { get; init; }
}

public sealed record FeatureRunResult(FeatureTable Table, FeatureBuildSummary Summary, ValidationReport Report, Dataset Dataset, string? OutputPath, string? ReportPath)
{
    /// <summary>Invalid rows met: this run's, or, for a reused table, those met when it was built.</summary>
    public long InvalidRows { get; init; } = Report.TotalProblems;
}

/// <summary>Ingest and features as one step: open and validate the export, build the point-in-time features, write them and a report.</summary>
public static class FeatureRun
{
    public static FeatureRunResult Run(FeatureRunOptions options, ILogger logger, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.FeaturesFile is not null)
        {
            return FeatureReuse.Load(options, logger, cancellationToken);
        }
        var report = new ValidationReport(options.Policy);
        var dataset = OpenDataset(options, report, logger);
        var asOf = AsOfFor(options, dataset);
        var featureOptions = new FeatureOptions { AsOf = asOf, HorizonDays = options.HorizonDays, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        var (table, summary) = (options.Engine ?? CSharpFeatureEngine.Instance).Build(dataset, featureOptions, progress, cancellationToken);
        logger.LogInformation("Features as of {AsOf:yyyy-MM-dd} for {Rows} customers from {Events} events in {Seconds:F2} s ({Rate:N0} events/s)",
            asOf, summary.Rows, summary.EventsBeforeAsOf + summary.EventsOnOrAfterAsOf, summary.Elapsed.TotalSeconds, summary.EventsPerSecond);
        if (report.HasProblems)
        {
            logger.LogWarning("{Count} invalid rows skipped (--skip-invalid); the report lists them", report.TotalProblems);
        }
        foreach (var missing in LabelCheck.Of(dataset)?.Labels.Where(l => !l.CanExist) ?? [])
        {
            logger.LogWarning("No {Label} label can exist: {Why}", missing.Label, missing.Missing);
        }
        string? reportPath = null;
        if (options.OutputPath is not null)
        {
            FeatureTableFiles.Write(table, options.OutputPath, FeatureReuse.Describe(options, dataset, table, summary, report));
            reportPath = Path.ChangeExtension(options.OutputPath, ".report.md");
            File.WriteAllText(reportPath, FormatReport(options, dataset, summary, report));
            logger.LogInformation("Wrote {Output} and {Report}", options.OutputPath, reportPath);
        }
        return new FeatureRunResult(table, summary, report, dataset, options.OutputPath, reportPath);
    }

    /// <summary>Opens and validates the export (customers and outcomes now; events as they are read), saying what it holds.</summary>
    internal static Dataset OpenDataset(FeatureRunOptions options, ValidationReport report, ILogger logger)
    {
        logger.LogInformation("Reading customers and outcomes from {DataDirectory}", options.DataDirectory);
        var dataset = Dataset.Open(options.DataDirectory, report, options.MappingFile, options.DataAsOf);
        if (dataset.AsOfAssumed is { } assumed)
        {
            logger.LogWarning("{Warning}", assumed);
        }
        logger.LogInformation("{Customers} customers in {Accounts} accounts; data as of {DataAsOf:yyyy-MM-dd}; {Partitions} event partitions",
            dataset.Customers.Count, dataset.Customers.AccountIds.Count, dataset.DataAsOf, dataset.Events.PartitionCount);
        return dataset;
    }

    /// <summary>The run's as-of date: the one given, else as <see cref="FeatureRunOptions.AsOfRule"/> says.</summary>
    internal static DateTime AsOfFor(FeatureRunOptions options, Dataset dataset) =>
        options.AsOf ?? (options.AsOfRule == AsOfRule.DataAsOf ? dataset.DataAsOf : DefaultAsOf(dataset.DataAsOf, options.HorizonDays));

    /// <summary>The latest as-of date whose labels the export can fully observe: the data's as-of date minus the horizon, at midnight UTC.</summary>
    public static DateTime DefaultAsOf(DateTime dataAsOf, int horizonDays) => dataAsOf.Date.AddDays(-horizonDays);

    /// <summary>The customers table's columns used and left out (with the reasons), and what the export supports.</summary>
    private static void AppendPlan(StringBuilder sb, FeaturePlan plan)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## The customers table's own columns");
        sb.AppendLine();
        if (plan.Attributes.Count == 0 && plan.LeftOut.Count == 0)
        {
            sb.AppendLine("- none beyond id, account, sign-up, plan, role and region");
        }
        foreach (var a in plan.Attributes)
        {
            sb.AppendLine(inv, $"- `{a.Name}`: {a.Kind.ToString().ToLowerInvariant()} feature; {a.CustomersWithValue:N0} customers have a value");
        }
        foreach (var l in plan.LeftOut)
        {
            sb.AppendLine(inv, $"- `{l.Column}`: {(l.Leak ? "**left out (would leak the label)**" : "left out")}: {l.Reason}");
        }
        sb.AppendLine();
        sb.AppendLine("## What the export supports");
        sb.AppendLine();
        foreach (var note in plan.Notes)
        {
            sb.AppendLine(inv, $"- {note}");
        }
        sb.AppendLine();
    }

    public static string FormatReport(FeatureRunOptions options, Dataset dataset, FeatureBuildSummary summary, ValidationReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Feature run");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Data: `{options.DataDirectory}`; data as of {dataset.DataAsOf:yyyy-MM-ddTHH:mm:ssZ}");
        sb.AppendLine(inv, $"- As-of date T: {summary.AsOf:yyyy-MM-dd}; horizon {summary.HorizonDays} days (labels from events in (T, T+{summary.HorizonDays}d])");
        sb.AppendLine(inv, $"- Engine: {(options.Engine ?? CSharpFeatureEngine.Instance).Name} (what counted the events; every engine writes the same table)");
        sb.AppendLine(inv, $"- Invalid rows: {(options.Policy == InvalidRowPolicy.Strict ? "strict (any invalid row fails the run)" : "skipped and counted (--skip-invalid)")}");
        sb.AppendLine();
        sb.AppendLine("## Rows read");
        sb.AppendLine();
        sb.AppendLine("| file | rows |");
        sb.AppendLine("|---|---:|");
        foreach (var (file, rows) in report.RowsRead.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(inv, $"| {file} | {rows:N0} |");
        }
        sb.AppendLine();
        sb.AppendLine("## Where every row went");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Customers with a feature row: {summary.Rows:N0} ({string.Join(", ", summary.RowsByStatus.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value:N0}"))})");
        sb.AppendLine(inv, $"- Customers who signed up on or after T (no row: not yet known at T): {summary.SignedUpOnOrAfterAsOf:N0}");
        sb.AppendLine(inv, $"- Events before T (features): {summary.EventsBeforeAsOf:N0}");
        sb.AppendLine(inv, $"- Events on or after T (labels only, never features): {summary.EventsOnOrAfterAsOf:N0}");
        sb.AppendLine(inv, $"- Invalid rows {(options.Policy == InvalidRowPolicy.Strict ? "rejected" : "skipped")}: {report.TotalProblems:N0}");
        sb.AppendLine();
        sb.AppendLine("## Labels");
        sb.AppendLine();
        foreach (var (name, (positive, negative)) in summary.Labels)
        {
            sb.AppendLine(inv, $"- {name}: {positive:N0} yes, {negative:N0} no");
        }
        if (!summary.LabelsComplete)
        {
            sb.AppendLine(inv, $"- T + horizon is after the data's as-of date: a customer with no outcome yet has an unknown label (empty), not a 'no'.");
        }
        sb.AppendLine();
        if (summary.Plan is { } plan)
        {
            AppendPlan(sb, plan);
        }
        sb.AppendLine("## Validation");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.Append(report.Format());
        if (dataset.Events.Timelines is { } timelines)
        {
            sb.Append(timelines.Format(report));
        }
        if (LabelCheck.Of(dataset) is { } labels)
        {
            sb.Append(labels.Format());
        }
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(inv, $"Built in {summary.Elapsed.TotalSeconds:F2} s ({summary.EventsPerSecond:N0} events/s).");
        return sb.ToString();
    }
}
