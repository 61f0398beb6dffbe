using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench journey</c>: the whole journey map (timelines, map, touchpoints, insights, files), the journey issue's figure.</summary>
internal sealed class BenchJourneyCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data (about 140 events each).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<int> s_model = new("--model-customers")
    {
        Description = "Size of the benchmark registry whose champion scores the stages (run 'bench train' with it first); without a champion the stages have no scores.",
        DefaultValueFactory = _ => 100_000,
    };
    private static readonly Option<int> s_step = new("--step") { Description = "Days between stage evaluations (7: the canonical weekly step that retrain, demo and the snapshot use).", DefaultValueFactory = _ => 7 };
    private static readonly Option<int> s_runs = new("--runs") { Description = "Timed runs after one warm-up (at least 1); the median is reported.", DefaultValueFactory = _ => 3 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchJourneyCommand() : base("journey", "Time the whole journey map (stage timelines over 270 days, map, process analysis, touchpoints, insights, JSON/Markdown/HTML); report time and peak memory.")
    {
        Options.Add(s_customers);
        Options.Add(s_model);
        Options.Add(s_step);
        Options.Add(s_runs);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            int runs = parse.GetValue(s_runs);
            if (runs < 1)
            {
                throw new ArgumentException("--runs must be at least 1");
            }
            var data = await BenchCommand.EnsureData(customers, cancellationToken);
            var registry = CommonOptions.Repo("out", "bench", $"models-{parse.GetValue(s_model)}");
            var times = new List<double>();
            JourneyRunResult? last = null;
            double firstRunPeakMb = 0;
            for (int run = 0; run <= runs; run++)
            {
                var output = Directory.CreateTempSubdirectory("journeyml-bench-journey-").FullName;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                last = JourneyRun.Run(new JourneyOptions { DataDirectory = data, RegistryPath = registry, StepDays = parse.GetValue(s_step), OutputDirectory = output },
                    NullLogger.Instance, cancellationToken);
                watch.Stop();
                Directory.Delete(output, recursive: true);
                if (run == 0)
                {
                    // What one run in its own process needs (a scheduled job runs once); later runs only add GC slack.
                    firstRunPeakMb = BenchCommand.PeakMb();
                }
                else
                {
                    times.Add(watch.Elapsed.TotalSeconds);
                }
                // CPU time beside the wall time: on a shared machine it shows how much of a slow run was waiting for a core.
                Console.Error.WriteLine($"run {run}{(run == 0 ? " (warm-up)" : "")}: {watch.Elapsed.TotalSeconds:F2} s, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU ("
                    + string.Join(", ", last.Steps.Select(s => $"{s.Step} {s.Elapsed.TotalSeconds:F2}")) + ")");
            }
            times.Sort();
            var map = last!.Map;
            int dates = (int)((map.To - map.From.AddDays(-90)).TotalDays / parse.GetValue(s_step)) + 1;
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | journey map end to end (timelines at {1} dates every {2} days{3}, map, process analysis, touchpoints, insights, JSON/MD/HTML) | {4:N0} customers, {5:N0} events | {6:F2} s (median of {7}) | {8:N0} events/s | {9:N0} MB one run ({10:N0} MB after all) | {11} |",
                DateTime.UtcNow, dates, parse.GetValue(s_step), last.WithScores ? ", with the champion's scores" : ", no champion: no scores", last.Customers, last.Events,
                times[times.Count / 2], times.Count, last.Events / times[times.Count / 2], firstRunPeakMb, BenchCommand.PeakMb(), BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}
