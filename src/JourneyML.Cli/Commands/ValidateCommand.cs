using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using System.Globalization;
using System.Text;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml validate</c>: check an export (or a ready feature table) without writing anything.</summary>
internal sealed class ValidateCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<FileInfo?> s_mapping = CommonOptions.Mapping();
    private static readonly Option<FileInfo?> s_featureTable = new("--feature-table")
    {
        Description = "Validate a ready feature table (mode B: one row per customer) instead of an export.",
    };
    private static readonly Option<string> s_id = new("--id")
    {
        Description = "Id column of the feature table.",
        DefaultValueFactory = _ => "customer_id",
    };
    private static readonly Option<string?> s_label = new("--label") { Description = "Label column of the feature table (0/1)." };
    private static readonly Option<string?> s_encoding = CommonOptions.TableEncoding();
    private static readonly Option<string?> s_delimiter = CommonOptions.TableDelimiter();
    private static readonly Option<int> s_max = new("--max-problems")
    {
        Description = "How many problems to list (all are counted).",
        DefaultValueFactory = _ => 20,
    };

    public ValidateCommand() : base("validate", "Check every row of an export and list the problems with file, row, column and reason. Writes nothing.")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_featureTable);
        Options.Add(s_id);
        Options.Add(s_label);
        Options.Add(s_encoding);
        Options.Add(s_delimiter);
        Options.Add(s_max);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            if (parse.GetValue(s_featureTable) is { } table)
            {
                // Skip mode reads everything and counts; the exit code still says whether the data is clean.
                var report = new ValidationReport(InvalidRowPolicy.Skip, parse.GetValue(s_max));
                var features = FeatureTableFiles.Read(table.FullName, report, parse.GetValue(s_id)!, parse.GetValue(s_label),
                    csv: CommonOptions.TableFormat(parse, s_encoding, s_delimiter));
                Console.WriteLine($"{table.Name}: {features.RowCount:N0} rows, {features.Columns.Count} features " +
                    $"({features.Columns.Count(c => c.Kind == FeatureKind.Numeric)} numeric, {features.Columns.Count(c => c.Kind == FeatureKind.Categorical)} categorical)");
                Console.WriteLine(FeatureTableSummary(features, parse.GetValue(s_label)));
                Console.Write(report.Format(parse.GetValue(s_max), verb: "found"));
                return report.HasProblems ? ExitCodes.InvalidData : ExitCodes.Success;
            }
            return ValidateExport(parse, cancellationToken);
        }));
    }

    /// <summary>
    /// Reads every row as a strict run does (one pass over the events; the reader takes a second look only at customers
    /// with activity after churn), then says which impossible timelines and which labels the export holds.
    /// </summary>
    private static int ValidateExport(ParseResult parse, CancellationToken cancellationToken)
    {
        int max = parse.GetValue(s_max);
        var report = new ValidationReport(InvalidRowPolicy.Strict, max);
        var dataset = Dataset.Open(parse.GetValue(s_data)!.FullName, report, parse.GetValue(s_mapping)?.FullName);
        long events = 0;
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var batch in dataset.Events.ReadPartition(p))
            {
                cancellationToken.ThrowIfCancellationRequested();
                events += batch.Count;
            }
        }
        Console.WriteLine($"{dataset.Customers.Count:N0} valid customers in {dataset.Customers.AccountIds.Count:N0} accounts, " +
            $"{events:N0} valid events, outcomes table: {(dataset.Outcomes is null ? "none (derived from events)" : "yes")}, " +
            $"data as of {dataset.DataAsOf:yyyy-MM-ddTHH:mm:ssZ}");
        if (dataset.Interventions is { } interventions)
        {
            Console.WriteLine(InterventionSummary.Describe(interventions));
        }
        if (dataset.AsOfAssumed is { } assumed)
        {
            Console.WriteLine(assumed);
        }
        Console.Write(report.Format(max, verb: "found"));
        if (dataset.Events.Timelines is { } timelines)
        {
            Console.Write(timelines.Format(report));
        }
        var labels = LabelCheck.Of(dataset);
        if (labels is not null)
        {
            Console.Write(labels.Format());
        }
        return report.HasProblems || labels is { NoLabel: true } ? ExitCodes.InvalidData : ExitCodes.Success;
    }

    /// <summary>What training would make of a ready table: the label's outcomes, and the columns the segments would be found on or leave out.</summary>
    private static string FeatureTableSummary(FeatureTable features, string? label)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        if (label is null)
        {
            sb.AppendLine("  no label column (--label): train would find and save the segments only");
        }
        else
        {
            var values = features.Labels.Values.Single();
            int known = values.Count(v => !float.IsNaN(v)), positive = values.Count(v => v == 1);
            string empty = known < values.Length ? string.Create(inv, $", {values.Length - known:N0} empty (unknown)") : "";
            string few = positive < 10 || known - positive < 10 ? "; too few of one outcome for a classifier (at least 10 of each): train would save the segments only" : "";
            sb.AppendLine(inv, $"  label {label}: {positive:N0} of {known:N0} known are 1{empty}{few}");
        }
        var choices = BehaviourSegmentation.ColumnChoices(features);
        sb.AppendLine(inv, $"  segments would be found on {choices.Count(c => c.Used)} of {choices.Count} columns: {string.Join(", ", choices.Where(c => c.Used).Select(c => c.Column))}");
        foreach (var group in choices.Where(c => !c.Used).GroupBy(c => c.Reason, StringComparer.Ordinal))
        {
            sb.AppendLine(inv, $"  left out ({group.Key}): {string.Join(", ", group.Select(c => c.Column))}");
        }
        return sb.ToString().TrimEnd();
    }
}
