using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench features</c>: feature building over Parquet events (the foundation issue's figure).</summary>
internal sealed class BenchFeaturesCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n")
    {
        Description = "Customers in the generated data (about 100 events each).",
        DefaultValueFactory = _ => 100_000,
    };
    private static readonly Option<DirectoryInfo?> s_data = new("--data", "-d")
    {
        Description = "Data folder; generated (Parquet, seed 1) when it does not exist. Default: out/bench/data-<customers>.",
    };
    private static readonly Option<int> s_runs = new("--runs")
    {
        Description = "Timed runs after one warm-up (at least 1); the median is reported.",
        DefaultValueFactory = _ => 3,
    };
    private static readonly Option<FileInfo?> s_results = new("--results")
    {
        Description = "Markdown results file to append the figures to (for example tests/JourneyML.Benchmarks/RESULTS.md).",
    };

    public BenchFeaturesCommand() : base("features", "Time building features for every customer from Parquet events; report events/s and peak memory.")
    {
        Options.Add(s_customers);
        Options.Add(s_data);
        Options.Add(s_runs);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = parse.GetValue(s_data)?.FullName ?? CommonOptions.Repo("out", "bench", $"data-{customers}");
            if (!File.Exists(Path.Combine(data, "customers.parquet")))
            {
                // Generate in a child process, so this process's peak memory is the feature step's alone.
                Console.Error.WriteLine($"Generating {customers:N0} customers into {data} ...");
                var generate = Process.Start(BenchCommand.SelfStartInfo(
                    ["generate", "--customers", customers.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--format", "parquet", "--out", data]))!;
                await generate.WaitForExitAsync(cancellationToken);
                if (generate.ExitCode != 0)
                {
                    throw new InvalidOperationException($"generating the benchmark data failed (exit code {generate.ExitCode})");
                }
            }
            int runs = parse.GetValue(s_runs);
            if (runs < 1)
            {
                throw new ArgumentException("--runs must be at least 1");
            }
            var options = new FeatureRunOptions { DataDirectory = data };
            var times = new List<double>();
            FeatureRunResult? last = null;
            double firstRunPeakMb = 0;
            for (int run = 0; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                last = FeatureRun.Run(options, NullLogger.Instance, cancellationToken: cancellationToken);
                watch.Stop();
                if (run > 0)
                {
                    times.Add(watch.Elapsed.TotalSeconds);
                }
                else
                {
                    // What one run in its own process needs (a scheduled job runs once); later runs only add GC slack.
                    firstRunPeakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
                }
                Console.Error.WriteLine($"run {run}{(run == 0 ? " (warm-up)" : "")}: {watch.Elapsed.TotalSeconds:F2} s");
            }
            times.Sort();
            double median = times[times.Count / 2];
            long events = last!.Summary.EventsBeforeAsOf + last.Summary.EventsOnOrAfterAsOf;
            double peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | features (open + validate + build) | {1:N0} customers, {2:N0} Parquet events | {3:F2} s (median of {7}) | {4:N0} events/s | {5:N0} MB one run ({8:N0} MB after all) | {6} |",
                DateTime.UtcNow, last.Summary.Rows, events, median, events / median, firstRunPeakMb, BenchCommand.Machine(), times.Count, peakMb);
            Console.WriteLine(row);
            if (parse.GetValue(s_results) is { } results)
            {
                if (!results.Exists)
                {
                    await File.WriteAllTextAsync(results.FullName,
                        "# Benchmark results\n\n## Run log\n\n| date | what | size | time | throughput | peak memory | machine |\n|---|---|---|---:|---:|---:|---|\n", cancellationToken);
                }
                // The run log is the file's last table, so a row appended at the end lands in it.
                await File.AppendAllTextAsync(results.FullName, row + "\n", cancellationToken);
                Console.Error.WriteLine($"appended to {results.FullName}");
            }
            return ExitCodes.Success;
        }));
    }
}
