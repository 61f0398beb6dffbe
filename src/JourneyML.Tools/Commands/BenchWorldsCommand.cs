using System.CommandLine;
using System.Globalization;
using System.Text;
using JourneyML.Cli;
using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;
using Microsoft.Extensions.Logging;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench worlds</c>: each generator world through the product's pipeline, measured against its planted
/// truth (AUC against the oracle, planted drivers among the top drivers) and checked for outputs the data does not support.
/// </summary>
internal sealed class BenchWorldsCommand : Command
{
    private const string BeginMarker = "<!-- bench worlds: begin -->";
    private const string EndMarker = "<!-- bench worlds: end -->";

    private static readonly Option<string[]> s_worlds = new("--world", "-w")
    {
        Description = "World to measure (repeat for several): b2b-saas, subscription, small, product-led, retail. Default: all five.",
        AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<int?> s_customers = new("--customers", "-n")
    {
        Description = "Customers of every world measured. Default: each world's own (b2b-saas 2000, subscription 3000, small 300, product-led 2000, retail 2000).",
    };
    private static readonly Option<int> s_seed = new("--seed", "-s") { Description = "Seed of the generator and of training.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> s_top = new("--top") { Description = "How many of a model's drivers count as its top drivers.", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> s_tolerance = new("--tolerance")
    {
        Description = "How far a model's holdout AUC may trail the oracle's: the recovery check fails when the gap's whole 95% interval lies above it.",
        DefaultValueFactory = _ => 0.05,
    };
    private static readonly Option<bool> s_singleTrainer = new("--single-trainer") { Description = "Train one fixed trainer instead of the product's sweep (quicker)." };
    private static readonly Option<DirectoryInfo?> s_work = new("--work") { Description = "Folder for the generated data, models and maps (default: a temporary folder, removed after)." };
    private static readonly Option<FileInfo?> s_results = new("--results")
    {
        Description = "Markdown results file: the 'bench worlds' block between its markers is replaced, and a run-log row appended.",
    };

    public BenchWorldsCommand() : base("worlds", "Run each generated world through validate, features, train, score and journey; compare the models with the planted truth and check the outputs. Exit 1 when a check fails.")
    {
        Options.Add(s_worlds);
        Options.Add(s_customers);
        Options.Add(s_seed);
        Options.Add(s_top);
        Options.Add(s_tolerance);
        Options.Add(s_singleTrainer);
        Options.Add(s_work);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var names = parse.GetValue(s_worlds) is { Length: > 0 } given ? given : Enum.GetValues<GeneratorWorld>().Select(GeneratorWorlds.NameOf).ToArray();
            var worlds = names.Select(GeneratorWorlds.Parse).Distinct().ToArray();
            if (parse.GetValue(s_customers) is <= 0)
            {
                throw new ArgumentException("--customers must be at least 1");
            }
            var work = parse.GetValue(s_work)?.FullName;
            bool temporary = work is null;
            work ??= Path.Combine(Path.GetTempPath(), "journeyml-bench-worlds-" + Guid.NewGuid().ToString("N")[..8]);
            var options = new WorldBenchOptions
            {
                Worlds = worlds,
                Customers = parse.GetValue(s_customers),
                Seed = parse.GetValue(s_seed),
                Top = parse.GetValue(s_top),
                Tolerance = parse.GetValue(s_tolerance),
                SingleTrainer = parse.GetValue(s_singleTrainer),
                WorkDirectory = work,
            };
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<WorldMeasurement> measurements;
            try
            {
                measurements = WorldBench.Run(options, loggers.CreateLogger("bench"), Console.WriteLine, cancellationToken);
            }
            finally
            {
                if (temporary && Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            watch.Stop();
            int failed = measurements.Sum(m => m.Checks.Count(c => !c.Passed));
            Console.WriteLine($"{measurements.Sum(m => m.Checks.Count) - failed} of {measurements.Sum(m => m.Checks.Count)} checks pass over {measurements.Count} worlds in {watch.Elapsed.TotalSeconds:F1} s");
            if (parse.GetValue(s_results) is { } results)
            {
                await WriteResults(results, measurements, options, watch.Elapsed, cancellationToken);
            }
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
    }

    /// <summary>Replaces the block between the markers with this run's tables (or adds it before the run log), then logs the run.</summary>
    internal static async Task WriteResults(FileInfo results, IReadOnlyList<WorldMeasurement> measurements, WorldBenchOptions options, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var block = BeginMarker + "\n" + Markdown(measurements, options) + EndMarker;
        var text = results.Exists ? await File.ReadAllTextAsync(results.FullName, cancellationToken) : "# Benchmark results\n\n## Run log\n";
        int begin = text.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            text = text[..begin] + block + text[(end + EndMarker.Length)..];
        }
        else
        {
            int log = text.IndexOf("## Run log", StringComparison.Ordinal);
            var section = "## Worlds (`bench worlds`)\n\n" + block + "\n\n";
            text = log >= 0 ? text[..log] + section + text[log..] : text + "\n" + section;
        }
        var inv = CultureInfo.InvariantCulture;
        int checks = measurements.Sum(m => m.Checks.Count), passed = measurements.Sum(m => m.Checks.Count(c => c.Passed));
        var row = string.Format(inv, "| {0:yyyy-MM-dd} | bench worlds (generate, validate, features, train, score, journey; checks) | {1} | {2:F1} s | {3} of {4} checks pass | {5:N0} MB | {6} |",
            DateTime.UtcNow, string.Join(", ", measurements.Select(m => $"{GeneratorWorlds.NameOf(m.World)} {m.Customers:N0}")), elapsed.TotalSeconds, passed, checks,
            BenchCommand.PeakMb(), BenchCommand.Machine());
        await File.WriteAllTextAsync(results.FullName, text.TrimEnd('\n') + "\n" + row + "\n", cancellationToken);
        Console.Error.WriteLine($"wrote the worlds block and a run-log row to {results.FullName}");
    }

    internal static string Markdown(IReadOnlyList<WorldMeasurement> measurements, WorldBenchOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Run {DateTime.UtcNow:yyyy-MM-dd}, seed {options.Seed}, {(options.SingleTrainer ? "one fixed trainer" : "the product's trainer sweep")}, top {options.Top} drivers, tolerance {options.Tolerance:F2}; {BenchCommand.Machine()}.");
        sb.AppendLine();
        sb.AppendLine("| world | customers | events | model | labels yes / no | holdout AUC [95%] | oracle AUC [95%] | oracle - model [95%] | top drivers |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---|");
        foreach (var m in measurements)
        {
            foreach (var t in m.Tasks)
            {
                string auc = t.NoModel is null ? $"{t.Auc:F3} {t.AucInterval}" : t.NoModel;
                string oracle = t.NoModel is null ? $"{t.OracleAuc:F3} {t.OracleInterval}" : "";
                string gap = t.NoModel is null ? $"{t.OracleAuc - t.Auc:F3} {t.GapInterval}" : "";
                sb.AppendLine(inv, $"| {GeneratorWorlds.NameOf(m.World)} | {m.Customers:N0} | {m.Events:N0} | {t.Task} | {t.Positives:N0} / {t.Negatives:N0} | {auc} | {oracle} | {gap} | {string.Join(", ", t.TopDrivers.Take(5).Select(d => d.Feature))} |");
            }
        }
        foreach (var m in measurements)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"**{GeneratorWorlds.NameOf(m.World)}**: {m.Checks.Count(c => c.Passed)} of {m.Checks.Count} checks pass ({m.Seconds:F1} s).");
            sb.AppendLine();
            sb.AppendLine("```");
            foreach (var check in m.Checks)
            {
                sb.AppendLine(check.ToString());
            }
            sb.AppendLine("```");
        }
        return sb.ToString();
    }
}
