using System.CommandLine;
using JourneyML.Cli;
using JourneyML.SampleData;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools generate</c>: a realistic export of one world (B2B SaaS, subscription, small, product-led or retail) with planted segments and known churn and conversion probabilities.</summary>
internal sealed class GenerateCommand : Command
{
    private static readonly Option<string> s_world = new("--world", "-w")
    {
        Description = "The business simulated: b2b-saas (accounts, lead funnel), subscription (product-led, one contact per customer, trials, renewals, reactivations) small (about 300 contacts of a small B2B), product-led (workspaces of several users, free sign-ups, trials, activation events, upgrade and downgrade to free) or retail (one person per customer, repeat orders, churn as 90 days without an order).",
        DefaultValueFactory = _ => "b2b-saas",
    };
    private static readonly Option<int?> s_customers = new("--customers", "-n")
    {
        Description = "Number of customers (contacts). Default: 2000 for b2b-saas (about 100 events each), 3000 for subscription, 300 for small, 2000 for product-led and retail.",
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

    private static readonly Option<bool> s_interventions = new("--interventions")
    {
        Description = "Also plant interventions (CS calls aimed at the riskiest; randomised discount and email campaigns with control arms) with a known effect per kind and segment that the outcomes show: writes interventions and interventions_truth. Off: the world's files are exactly as without it.",
    };

    public GenerateCommand() : base("generate", "Write sample data with known ground truth: customers, events, outcomes, planted segments and true churn and conversion probabilities.")
    {
        s_world.AcceptOnlyFromAmong([.. Enum.GetValues<GeneratorWorld>().Select(GeneratorWorlds.NameOf)]);
        Options.Add(s_world);
        Options.Add(s_customers);
        Options.Add(s_seed);
        Options.Add(s_out);
        Options.Add(s_format);
        Options.Add(s_eventsFormat);
        Options.Add(s_dialect);
        Options.Add(s_interventions);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            var world = GeneratorWorlds.Parse(parse.GetValue(s_world)!);
            int customers = parse.GetValue(s_customers) ?? GeneratorWorlds.DefaultCustomers(world);
            if (customers <= 0)
            {
                throw new ArgumentException("--customers must be at least 1");
            }
            var options = new GeneratorOptions
            {
                Customers = customers,
                Seed = parse.GetValue(s_seed),
                World = world,
                Format = parse.GetValue(s_format),
                EventsFormat = parse.GetValue(s_eventsFormat),
                Dialect = parse.GetValue(s_dialect),
                Interventions = parse.GetValue(s_interventions),
            };
            var output = parse.GetValue(s_out)!.FullName;
            var progress = new ConsoleProgress("generating");
            var summary = new SampleGenerator(options).Generate(output, progress, cancellationToken);
            progress.Done();
            var accounts = summary.Accounts > 0 ? $" in {summary.Accounts:N0} accounts" : " (one contact each, no accounts)";
            Console.WriteLine($"Wrote {summary.Customers:N0} customers{accounts} and {summary.Events:N0} events to {summary.OutputDirectory} in {summary.Elapsed.TotalSeconds:F1} s");
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
