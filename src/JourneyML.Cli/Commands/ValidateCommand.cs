using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

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
            // Skip mode reads everything and counts; the exit code still says whether the data is clean.
            var report = new ValidationReport(InvalidRowPolicy.Skip, parse.GetValue(s_max));
            if (parse.GetValue(s_featureTable) is { } table)
            {
                var features = FeatureTableFiles.Read(table.FullName, report, parse.GetValue(s_id)!, parse.GetValue(s_label),
                    csv: CommonOptions.TableFormat(parse, s_encoding, s_delimiter));
                Console.WriteLine($"{table.Name}: {features.RowCount:N0} rows, {features.Columns.Count} features " +
                    $"({features.Columns.Count(c => c.Kind == FeatureKind.Numeric)} numeric, {features.Columns.Count(c => c.Kind == FeatureKind.Categorical)} categorical)");
            }
            else
            {
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
            }
            Console.Write(report.Format(parse.GetValue(s_max), verb: "found"));
            return report.HasProblems ? ExitCodes.InvalidData : ExitCodes.Success;
        }));
    }
}
