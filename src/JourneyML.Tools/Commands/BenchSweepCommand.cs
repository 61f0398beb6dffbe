using System.CommandLine;
using JourneyML.Cli;
using JourneyML.Core.Prediction;
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
    private static readonly Option<int> s_seeds = new("--seeds")
    {
        Description = "Training draws per world (seeds --seed, --seed + 1, ...). Two or more: the bar is judged on the paired gap to the best fixed configuration picked on the other seeds, averaged over the seeds, with its 95% interval (one draw of a few hundred customers cannot judge 0.005).",
        DefaultValueFactory = _ => 1,
    };
    private static readonly Option<int?> s_smallFolds = new("--small-folds") { Description = "Folds of the small-data repeated cross-validation the selection uses (default: the product's)." };
    private static readonly Option<int?> s_smallRepeats = new("--small-repeats") { Description = "Repeats of the small-data repeated cross-validation the selection uses (default: the product's)." };
    private static readonly Option<double[]> s_simpler = new("--simpler-within")
    {
        Description = "Standard errors within which the small-data selection prefers the simpler candidate (repeat for several selections, each trained on the same rows and judged against the same yardstick; 0 is the leader of the six candidates without the small-data one, the rule before session 25). Default: the product's.",
        AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<bool> s_beforeL1 = new("--against-l2-only")
    {
        Description = "Also train each table with the sweep's linear candidate tuning its L2 alone (the sweep before the lasso path), on the same rows and against the same yardstick: the paired gain of the L1 term and its training-time ratio.",
    };
    private static readonly Option<FileInfo?> s_figures = new("--figures")
    {
        Description = "Tab-separated file to append every seed's figures to as they come (one line per chosen model and per hand-tried configuration: world, seed, task, selection or \"by hand\", configuration, test ROC AUC, training CPU seconds), for analysis beyond the summary.",
    };
    private static readonly Option<DirectoryInfo?> s_work = new("--work") { Description = "Folder for the generated data (default: out/bench/sweep)." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the table to." };

    public BenchSweepCommand() : base("sweep", "Check on generated tables that the model the sweep chooses is within 0.005 ROC AUC of the best configuration found by hand (picked on other seeds), on an independent test table of the same world. Exit 1 when one is not shown.")
    {
        Options.Add(s_worlds);
        Options.Add(s_customers);
        Options.Add(s_test);
        Options.Add(s_seed);
        Options.Add(s_seeds);
        Options.Add(s_smallFolds);
        Options.Add(s_smallRepeats);
        Options.Add(s_simpler);
        Options.Add(s_beforeL1);
        Options.Add(s_figures);
        Options.Add(s_work);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var names = parse.GetValue(s_worlds) is { Length: > 0 } given ? given : Enum.GetValues<GeneratorWorld>().Select(GeneratorWorlds.NameOf).ToArray();
            if (parse.GetValue(s_customers) is <= 0 || parse.GetValue(s_test) <= 0 || parse.GetValue(s_seeds) <= 0
                || parse.GetValue(s_smallFolds) is < 2 || parse.GetValue(s_smallRepeats) is < 1)
            {
                throw new ArgumentException("--customers, --test-customers, --seeds and --small-repeats must be at least 1, --small-folds at least 2");
            }
            int seed = parse.GetValue(s_seed);
            int seeds = parse.GetValue(s_seeds);
            var defaults = new ClassifierOptions();
            var training = defaults with
            {
                SmallDataFolds = parse.GetValue(s_smallFolds) ?? defaults.SmallDataFolds,
                SmallDataRepeats = parse.GetValue(s_smallRepeats) ?? defaults.SmallDataRepeats,
            };
            var variants = parse.GetValue(s_simpler) is { Length: > 0 } within
                ? within.Select(k => new SweepVariant(Variant(k), training with { SimplerWithinStandardErrors = k, SmallDataCandidates = k <= 0 ? [] : training.SmallDataCandidates })).ToList()
                : [new SweepVariant(Variant(training.SimplerWithinStandardErrors), training)];
            if (parse.GetValue(s_beforeL1))
            {
                // First: the other variants are compared against the first one.
                variants.Insert(0, SweepVariant.L2OnlyLinear(variants[0].Options));
            }
            var work = parse.GetValue(s_work)?.FullName ?? CommonOptions.Repo("out", "bench", "sweep");
            var loadAtStart = BenchCommand.LoadAverage();
            var rows = new List<SweepCheckRow>();
            var summaries = new List<SweepSummary>();
            var comparisons = new List<string>();
            foreach (var world in names.Select(GeneratorWorlds.Parse).Distinct())
            {
                int customers = parse.GetValue(s_customers) ?? GeneratorWorlds.DefaultCustomers(world);
                var draws = new List<SweepSeedResult>();
                for (int s = seed; s < seed + seeds; s++)
                {
                    var directory = Path.Combine(work, $"{GeneratorWorlds.NameOf(world)}-{customers}-seed{s}");
                    var (found, yardstick) = SweepCheck.Run(world, customers, parse.GetValue(s_test), directory, s, variants, Console.Error.WriteLine, cancellationToken);
                    rows.AddRange(found);
                    if (parse.GetValue(s_figures) is { } figures)
                    {
                        await File.AppendAllLinesAsync(figures.FullName, SweepCheck.Figures(s, found, yardstick), cancellationToken);
                    }
                    draws.AddRange(found.Select(r => new SweepSeedResult(s, r.Task, r.ChosenAuc, yardstick[r.Task], r.SweepCpuSeconds) { Variant = r.Variant }));
                    // The pooled figures so far, after every seed: a run stopped early (a deadline, a shared machine) still leaves them in the log.
                    foreach (var line in SweepSummary.Pool(GeneratorWorlds.NameOf(world), draws).Select(p => p.Format())
                        .Concat(SweepSummary.Against(GeneratorWorlds.NameOf(world), variants[0].Name, draws)))
                    {
                        Console.Error.WriteLine($"after seed {s}: {line}");
                    }
                }
                summaries.AddRange(SweepSummary.Pool(GeneratorWorlds.NameOf(world), draws));
                foreach (var line in SweepSummary.Against(GeneratorWorlds.NameOf(world), variants[0].Name, draws))
                {
                    comparisons.Add(line);
                }
                foreach (var line in SweepSummary.Ranking(GeneratorWorlds.NameOf(world), draws.Where(d => d.Variant == variants[0].Name).ToList(), 8))
                {
                    Console.Error.WriteLine(line);
                }
            }
            var pooled = summaries.Count == 0 ? "" : $"{SweepSummary.Header}\n{string.Join("\n", summaries.Select(s => s.Format()))}\n\n";
            var compared = comparisons.Count == 0 ? "" : string.Join("\n", comparisons.Select(c => "- " + c)) + "\n\n";
            var text = $"{SweepCheck.Header}\n{string.Join("\n", rows.Select(SweepCheck.Format))}\n\n{pooled}{compared}{BenchCommand.Machine()}; load average {loadAtStart} at the start, {BenchCommand.LoadAverage()} at the end";
            await BenchCommand.Record(parse.GetValue(s_results), text, cancellationToken);
            // Over several seeds the pooled gap's interval is the bar; one seed is judged row by row.
            bool met = seeds >= 2 ? summaries.All(s => s.Met) : rows.All(r => r.Gap <= SweepCheckRow.Bar);
            return met ? ExitCodes.Success : ExitCodes.Failure;
        }));
    }

    /// <summary>A selection's name in the tables: the leader alone, or the simpler candidate within so many standard errors.</summary>
    private static string Variant(double standardErrors) => standardErrors <= 0
        ? "before: the leader of six"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"simpler within {standardErrors:0.##} SE{(standardErrors == new ClassifierOptions().SimplerWithinStandardErrors ? " (product)" : "")}");
}
