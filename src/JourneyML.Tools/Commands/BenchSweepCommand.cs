using System.CommandLine;
using JourneyML.Cli;
using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench sweep</c>: on generated tables of several shapes, is the model the sweep chooses within 0.005
/// ROC AUC of the best configuration found by hand (<see cref="SweepCheck"/>)? Exit 1 when a table misses it.
/// </summary>
internal sealed class BenchSweepCommand : Command
{
    private static readonly Option<string[]> s_worlds = new("--world", "-w")
    {
        Description = "World to check (repeat for several): b2b-saas, subscription, small. Default: all three.",
        AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<int?> s_customers = new("--customers", "-n")
    {
        Description = "Customers of every world. Default: each world's own (b2b-saas 2000, subscription 3000, small 300).",
    };
    private static readonly Option<int> s_test = new("--test-customers")
    {
        Description = "Customers of the independent test table each world is measured on (same world, another seed).",
        DefaultValueFactory = _ => 5_000,
    };
    private static readonly Option<int> s_seed = new("--seed", "-s") { Description = "Seed of the generator and of training.", DefaultValueFactory = _ => 1 };
    private static readonly Option<DirectoryInfo?> s_work = new("--work") { Description = "Folder for the generated data (default: out/bench/sweep)." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the table to." };

    public BenchSweepCommand() : base("sweep", "Check on generated tables that the model the sweep chooses is within 0.005 ROC AUC of the best configuration found by hand, on an independent test table of the same world. Exit 1 when one is not.")
    {
        Options.Add(s_worlds);
        Options.Add(s_customers);
        Options.Add(s_test);
        Options.Add(s_seed);
        Options.Add(s_work);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var names = parse.GetValue(s_worlds) is { Length: > 0 } given ? given : Enum.GetValues<GeneratorWorld>().Select(GeneratorWorlds.NameOf).ToArray();
            if (parse.GetValue(s_customers) is <= 0 || parse.GetValue(s_test) <= 0)
            {
                throw new ArgumentException("--customers and --test-customers must be at least 1");
            }
            int seed = parse.GetValue(s_seed);
            var work = parse.GetValue(s_work)?.FullName ?? CommonOptions.Repo("out", "bench", "sweep");
            var rows = new List<SweepCheckRow>();
            foreach (var world in names.Select(GeneratorWorlds.Parse).Distinct())
            {
                int customers = parse.GetValue(s_customers) ?? GeneratorWorlds.DefaultCustomers(world);
                var directory = Path.Combine(work, $"{GeneratorWorlds.NameOf(world)}-{customers}-seed{seed}");
                rows.AddRange(SweepCheck.Run(world, customers, parse.GetValue(s_test), directory, seed, Console.Error.WriteLine, cancellationToken));
            }
            var text = $"{SweepCheck.Header}\n{string.Join("\n", rows.Select(SweepCheck.Format))}\n\n{BenchCommand.Machine()}";
            await BenchCommand.Record(parse.GetValue(s_results), text, cancellationToken);
            return rows.All(r => r.Gap <= SweepCheckRow.Bar) ? ExitCodes.Success : ExitCodes.Failure;
        }));
    }
}
