using System.CommandLine;
using JourneyML.Cli;
using JourneyML.SampleData;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools generate</c>: a realistic B2B SaaS export with planted segments and known churn and conversion probabilities.</summary>
internal sealed class GenerateCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n")
    {
        Description = "Number of customers (contacts); about 100 events each.",
        DefaultValueFactory = _ => 2000,
    };
    private static readonly Option<int> s_seed = new("--seed", "-s")
    {
        Description = "Random seed: the same seed writes the same files.",
        DefaultValueFactory = _ => 42,
    };
    private static readonly Option<DirectoryInfo> s_out = new("--out", "-o")
    {
        Description = "Folder to write the tables, the ground truth and journeyml.json into.",
        Required = true,
    };
    private static readonly Option<TableFormat> s_format = new("--format")
    {
        Description = "File format of every table.",
        DefaultValueFactory = _ => TableFormat.Csv,
    };
    private static readonly Option<TableFormat?> s_eventsFormat = new("--events-format")
    {
        Description = "File format of the events table only (default: --format).",
    };
    private static readonly Option<ExportDialect> s_dialect = new("--dialect")
    {
        Description = "Canonical column and event names, or a CRM-style export (other names, with the mapping in journeyml.json).",
        DefaultValueFactory = _ => ExportDialect.Canonical,
    };

    public GenerateCommand() : base("generate", "Write sample data with known ground truth: customers, events, outcomes, planted segments and true churn and conversion probabilities.")
    {
        Options.Add(s_customers);
        Options.Add(s_seed);
        Options.Add(s_out);
        Options.Add(s_format);
        Options.Add(s_eventsFormat);
        Options.Add(s_dialect);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            int customers = parse.GetValue(s_customers);
            if (customers <= 0)
            {
                throw new ArgumentException("--customers must be at least 1");
            }
            var options = new GeneratorOptions
            {
                Customers = customers,
                Seed = parse.GetValue(s_seed),
                Format = parse.GetValue(s_format),
                EventsFormat = parse.GetValue(s_eventsFormat),
                Dialect = parse.GetValue(s_dialect),
            };
            var output = parse.GetValue(s_out)!.FullName;
            var progress = new ConsoleProgress("generating");
            var summary = new SampleGenerator(options).Generate(output, progress, cancellationToken);
            progress.Done();
            Console.WriteLine($"Wrote {summary.Customers:N0} customers in {summary.Accounts:N0} accounts and {summary.Events:N0} events to {summary.OutputDirectory} in {summary.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"  segments: {string.Join(", ", summary.CustomersPerSegment.Select(s => $"{s.Key} {s.Value:N0}"))}");
            Console.WriteLine($"  churn rate {summary.ChurnRate:0.0%}, conversion rate {summary.ConversionRate:0.0%} (within the horizon of the reference as-of date)");
            foreach (var file in summary.Files)
            {
                Console.WriteLine($"  {file}");
            }
            return ExitCodes.Success;
        }));
    }
}
