using System.CommandLine;
using JourneyML.Cli;
using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench coverage</c>: repeated generated runs, and how often the holdout's stated 95% ROC AUC interval
/// covers the oracle's AUC and the model's AUC on a fresh population.
/// </summary>
internal sealed class BenchCoverageCommand : Command
{
    private static readonly Option<string> s_world = new("--world", "-w") { Description = "World to generate: b2b-saas, subscription, small.", DefaultValueFactory = _ => "b2b-saas" };
    private static readonly Option<int> s_runs = new("--runs", "-r") { Description = "Independent runs (each its own generator seed).", DefaultValueFactory = _ => 20 };
    private static readonly Option<int?> s_customers = new("--customers", "-n") { Description = "Customers of each run. Default: the world's own (b2b-saas 2000, subscription 3000, small 300)." };
    private static readonly Option<int> s_seed = new("--seed", "-s") { Description = "Seed of the first run; run i uses seed + i.", DefaultValueFactory = _ => 1 };
    private static readonly Option<bool> s_sweep = new("--sweep") { Description = "Train with the product's candidate sweep instead of one fixed trainer (slower)." };

    public BenchCoverageCommand() : base("coverage", "Repeat generated runs and report how often the holdout's 95% ROC AUC interval covers the oracle's AUC and the model's AUC on fresh customers.")
    {
        Options.Add(s_world);
        Options.Add(s_runs);
        Options.Add(s_customers);
        Options.Add(s_seed);
        Options.Add(s_sweep);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            if (parse.GetValue(s_runs) < 1 || parse.GetValue(s_customers) is < 50)
            {
                throw new ArgumentException("--runs must be at least 1 and --customers at least 50");
            }
            var work = Path.Combine(Path.GetTempPath(), "journeyml-bench-coverage-" + Guid.NewGuid().ToString("N")[..8]);
            var options = new CoverageBenchOptions
            {
                World = GeneratorWorlds.Parse(parse.GetValue(s_world)!),
                Runs = parse.GetValue(s_runs),
                Customers = parse.GetValue(s_customers),
                Seed = parse.GetValue(s_seed),
                SingleTrainer = !parse.GetValue(s_sweep),
                WorkDirectory = work,
            };
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            try
            {
                var runs = CoverageBench.Run(options, loggers.CreateLogger("bench"), Console.WriteLine, cancellationToken);
                foreach (var line in CoverageBench.Summary(runs))
                {
                    Console.WriteLine(line);
                }
                return runs.Count > 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        }));
    }
}
