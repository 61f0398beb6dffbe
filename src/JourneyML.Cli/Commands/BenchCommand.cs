using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml bench</c>: measured figures for the README's results file. Never part of a test assertion.</summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand() : base("bench", "Measure JourneyML's speed on generated data and record it with the machine.")
    {
        Subcommands.Add(new BenchFeaturesCommand());
        Subcommands.Add(new BenchTrainCommand());
        Subcommands.Add(new BenchScoreCommand());
        Subcommands.Add(new BenchJourneyCommand());
        Subcommands.Add(new BenchPeersCommand());
        Subcommands.Add(new BenchPeerTaskCommand());
    }

    /// <summary>Generated Parquet data for a size, made once in a child process so the measuring process's peak memory is its own.</summary>
    internal static async Task<string> EnsureData(int customers, CancellationToken cancellationToken, string? directory = null)
    {
        var data = directory ?? CommonOptions.Repo("out", "bench", $"data-{customers}");
        if (!File.Exists(Path.Combine(data, "customers.parquet")))
        {
            Console.Error.WriteLine($"Generating {customers:N0} customers into {data} ...");
            var start = BenchFeaturesCommand.SelfStartInfo(
                ["generate", "--customers", customers.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--format", "parquet", "--out", data]);
            // What the generator prints goes to standard error: standard output is the benchmark's figures.
            start.RedirectStandardOutput = true;
            using var generate = Process.Start(start)!;
            var output = generate.StandardOutput.ReadToEndAsync(cancellationToken);
            await generate.WaitForExitAsync(cancellationToken);
            await Console.Error.WriteAsync(await output);
            if (generate.ExitCode != 0)
            {
                throw new InvalidOperationException($"generating the benchmark data failed (exit code {generate.ExitCode})");
            }
        }
        return data;
    }

    internal static async Task Record(FileInfo? results, string row, CancellationToken cancellationToken)
    {
        Console.WriteLine(row);
        if (results is not null)
        {
            await File.AppendAllTextAsync(results.FullName, row + "\n", cancellationToken);
            Console.Error.WriteLine($"appended to {results.FullName}");
        }
    }

    internal static double PeakMb() => Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
}

/// <summary><c>journeyml bench train</c>: the whole training run (features, k selection, segments, both classifiers with the sweep, report).</summary>
internal sealed class BenchTrainCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data.", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchTrainCommand() : base("train", "Time a full training run on generated data; report time, peak memory and quality against the planted truth.")
    {
        Options.Add(s_customers);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = await BenchCommand.EnsureData(customers, cancellationToken);
            var registry = CommonOptions.Repo("out", "bench", $"models-{customers}");
            var watch = Stopwatch.StartNew();
            var result = TrainingRun.Run(new TrainingOptions
            {
                Features = new FeatureRunOptions { DataDirectory = data, AsOf = new Core.SampleData.GeneratorOptions().ReferenceAsOf },
                RegistryPath = registry,
                Force = true, // the benchmark's model becomes the champion the scoring benchmark uses
            }, NullLogger.Instance, cancellationToken);
            watch.Stop();
            var m = result.Metadata;
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | train end to end (features, k 2-12, segments, 2 classifiers x 7 candidates x 3 folds, report) | {1:N0} customers, {2:N0} events | {3:F1} s | churn AUC {4:F3} (oracle {5:F3}), lead AUC {6:F3} (oracle {7:F3}), segments ARI {8:F3}, k={9} | {10:N0} MB | {11} |",
                DateTime.UtcNow, m.Rows.Customers, m.Rows.EventsBeforeAsOf + m.Rows.EventsAfterAsOf, watch.Elapsed.TotalSeconds,
                m.Churn?.Holdout.Auc, m.Churn?.OracleAuc, m.Lead?.Holdout.Auc, m.Lead?.OracleAuc, m.GroundTruth?.SegmentAdjustedRandIndex, m.Segmentation.ChosenK,
                BenchCommand.PeakMb(), BenchFeaturesCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>journeyml bench score</c>: scoring every customer with top factors, with the champion of a benchmark registry.</summary>
internal sealed class BenchScoreCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers to score.", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<int> s_model = new("--model-customers") { Description = "Size of the benchmark registry whose champion scores (run 'bench train' with it first).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchScoreCommand() : base("score", "Time scoring every customer (segment, churn risk, lead score, top factors) and writing the snapshot.")
    {
        Options.Add(s_customers);
        Options.Add(s_model);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = await BenchCommand.EnsureData(customers, cancellationToken);
            var registry = new ModelRegistry(CommonOptions.Repo("out", "bench", $"models-{parse.GetValue(s_model)}"));
            var models = registry.LoadChampion() ?? throw new ArgumentException($"no champion in {registry.Root}: run 'bench train --customers {parse.GetValue(s_model)}' first");
            var watch = Stopwatch.StartNew();
            var features = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data }, NullLogger.Instance, cancellationToken: cancellationToken);
            double featureSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var snapshot = BatchScoring.Score(features.Table, models, 3);
            double scoreSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var path = Path.Combine(Path.GetTempPath(), $"journeyml-bench-snapshot-{Guid.NewGuid():N}.parquet");
            snapshot.Write(path);
            double writeSeconds = watch.Elapsed.TotalSeconds;
            File.Delete(path);
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | score every customer with top factors ({1} churn, {2} lead) | {3:N0} customers | {4:F1} s scoring + {5:F1} s snapshot write ({6:N0} customers/s); features {7:F1} s before | | {8:N0} MB | {9} |",
                DateTime.UtcNow, models.Churn?.Info.Spec.Trainer, models.Lead?.Info.Spec.Trainer, snapshot.Count, scoreSeconds, writeSeconds,
                snapshot.Count / (scoreSeconds + writeSeconds), featureSeconds, BenchCommand.PeakMb(), BenchFeaturesCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>journeyml bench journey</c>: the whole journey map (timelines, map, touchpoints, insights, files), the journey issue's figure.</summary>
internal sealed class BenchJourneyCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data (about 140 events each).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<int> s_model = new("--model-customers")
    {
        Description = "Size of the benchmark registry whose champion scores the stages (run 'bench train' with it first); without a champion the stages have no scores.",
        DefaultValueFactory = _ => 100_000,
    };
    private static readonly Option<int> s_step = new("--step") { Description = "Days between stage evaluations (retrain and demo use 14).", DefaultValueFactory = _ => 14 };
    private static readonly Option<int> s_runs = new("--runs") { Description = "Timed runs after one warm-up (at least 1); the median is reported.", DefaultValueFactory = _ => 3 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchJourneyCommand() : base("journey", "Time the whole journey map (stage timelines over 270 days, map, touchpoints, insights, JSON/Markdown/HTML); report time and peak memory.")
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
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | journey map end to end (timelines at {1} dates every {2} days{3}, map, touchpoints, insights, JSON/MD/HTML) | {4:N0} customers, {5:N0} events | {6:F2} s (median of {7}) | {8:N0} events/s | {9:N0} MB one run ({10:N0} MB after all) | {11} |",
                DateTime.UtcNow, dates, parse.GetValue(s_step), last.WithScores ? ", with the champion's scores" : ", no champion: no scores", last.Customers, last.Events,
                times[times.Count / 2], times.Count, last.Events / times[times.Count / 2], firstRunPeakMb, BenchCommand.PeakMb(), BenchFeaturesCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>journeyml bench features</c>: feature building over Parquet events (the foundation issue's figure).</summary>
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
                var generate = Process.Start(SelfStartInfo(
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
                DateTime.UtcNow, last.Summary.Rows, events, median, events / median, firstRunPeakMb, Machine(), times.Count, peakMb);
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

    /// <summary>Starts this CLI again, whether it runs as its own executable or as 'dotnet journeyml.dll'.</summary>
    internal static ProcessStartInfo SelfStartInfo(IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return new ProcessStartInfo(host, [typeof(BenchCommand).Assembly.Location, .. arguments]);
        }
        return new ProcessStartInfo(host, arguments);
    }

    internal static string Machine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription.Split('#')[0].Trim()}, .NET {Environment.Version}";
}
