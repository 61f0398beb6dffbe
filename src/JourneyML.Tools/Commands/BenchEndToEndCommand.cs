using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench end-to-end</c>: the main job as a user runs it, timed as one command: the features as of the
/// training date written once and reused by <c>train</c>, the features as of today written once and reused by
/// <c>score</c>, then the journey map; each phase's time and the total against the aim.
/// </summary>
internal sealed class BenchEndToEndCommand : Command
{
    /// <summary>The issue's aim for the whole job, at 100,000 customers and 14 million events on 2 cores.</summary>
    private const double AimSeconds = 60;

    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data (about 140 events each).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<DirectoryInfo?> s_data = new("--data") { Description = "Generated data to run on (default: generate --customers into out/bench)." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };
    private static readonly Option<bool> s_phases = new("--phases") { Description = "Also print train's phases (wall and CPU seconds each) on standard error." };

    public BenchEndToEndCommand() : base("end-to-end",
        "Time train + score + the journey map on generated data as one job, reusing the features it built (features as of the training date, and as of today); print each phase's time and the total against the aim (under 60 s at 100,000 customers on 2 cores).")
    {
        Options.Add(s_customers);
        Options.Add(s_data);
        Options.Add(s_results);
        Options.Add(s_phases);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = parse.GetValue(s_data)?.FullName ?? await BenchCommand.EnsureData(customers, cancellationToken);
            // A fresh registry and feature files every run: the first training of an export, as a new user runs it.
            var work = Path.Combine(parse.GetValue(s_data) is null ? CommonOptions.Repo("out", "bench") : data, $"end-to-end-{customers}");
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
            Directory.CreateDirectory(work);
            var registry = Path.Combine(work, "models");
            var load = BenchCommand.LoadAverage();
            var phases = new List<(string Phase, double Seconds, double Cpu)>();
            // CPU seconds beside wall seconds: on a shared machine they show how much of a slow phase was waiting for a core.
            T Timed<T>(string phase, Func<T> run)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var result = run();
                phases.Add((phase, watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase}: {watch.Elapsed.TotalSeconds:F1} s"));
                return result;
            }

            var asOf = new GeneratorOptions().ReferenceAsOf;
            var trainingFeatures = Path.Combine(work, "features-training.parquet");
            var scoringFeatures = Path.Combine(work, "features-today.parquet");
            var built = Timed($"features as of {asOf:yyyy-MM-dd} (written once)", () => FeatureRun.Run(
                new FeatureRunOptions { DataDirectory = data, AsOf = asOf, OutputPath = trainingFeatures }, NullLogger.Instance, cancellationToken: cancellationToken));
            var trained = Timed("train (reusing them)", () => TrainingRun.Run(new TrainingOptions
            {
                Features = new FeatureRunOptions { DataDirectory = data, AsOf = asOf, FeaturesFile = trainingFeatures },
                RegistryPath = registry,
                Force = true,
                Oracle = GroundTruth.TryLoad(data),
            }, NullLogger.Instance, cancellationToken));
            var today = built.Dataset.DataAsOf;
            Timed($"features as of {today:yyyy-MM-dd} (written once)", () => FeatureRun.Run(
                new FeatureRunOptions { DataDirectory = data, AsOf = today, OutputPath = scoringFeatures }, NullLogger.Instance, cancellationToken: cancellationToken));
            var scored = Timed("score (reusing them)", () => ScoringRun.Run(new ScoringOptions
            {
                Features = new FeatureRunOptions { DataDirectory = data, FeaturesFile = scoringFeatures },
                RegistryPath = registry,
            }, NullLogger.Instance, cancellationToken));
            var journey = Timed("journey map (weekly)", () => JourneyRun.Run(
                new JourneyOptions { DataDirectory = data, RegistryPath = registry, StepDays = 7, OutputDirectory = Path.Combine(work, "journey") },
                NullLogger.Instance, cancellationToken));

            double total = phases.Sum(p => p.Seconds);
            var inv = CultureInfo.InvariantCulture;
            long events = built.Summary.EventsBeforeAsOf + built.Summary.EventsOnOrAfterAsOf;
            Console.WriteLine(string.Create(inv, $"End to end on {scored.Snapshot.Count:N0} customers and {events:N0} events (load average before {load}, after {BenchCommand.LoadAverage()}):"));
            Console.WriteLine(string.Create(inv, $"  {"phase",-44} {"wall",8}   {"CPU",8}"));
            foreach (var (phase, seconds, cpu) in phases)
            {
                Console.WriteLine(string.Create(inv, $"  {phase,-44} {seconds,8:F1} s {cpu,8:F1} s"));
            }
            if (parse.GetValue(s_phases))
            {
                Console.Error.WriteLine(trained.Phases.Table());
            }
            var top = trained.Phases.Phases.Where(p => p.Depth == 0).OrderByDescending(p => p.Seconds).Take(3);
            Console.WriteLine(string.Create(inv, $"    train's largest phases: {string.Join(", ", top.Select(p => string.Create(inv, $"{p.Phase} {p.Seconds:F1} s")))}"));
            Console.WriteLine(string.Create(inv, $"  {"total",-44} {total,8:F1} s {phases.Sum(p => p.Cpu),8:F1} s  (aim: under {AimSeconds:F0} s wall at 100,000 customers and 14 M events on 2 cores)"));
            var row = string.Format(inv,
                "| {0:yyyy-MM-dd} | end to end (features as of T written and reused by train; features as of today written and reused by score; journey map weekly) | {1:N0} customers, {2:N0} events | {3:F1} s | {4} | {5:N0} MB | {6} |",
                DateTime.UtcNow, scored.Snapshot.Count, events, total,
                string.Join(", ", phases.Select(p => string.Create(inv, $"{p.Phase} {p.Seconds:F1} s"))) + $"; {journey.Events:N0} events in the map",
                BenchCommand.PeakMb(), BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}
