using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench time-to-churn</c>: scoring the survival curves (churn within 30 ... 180 days and the median
/// time to churn) of every customer with the champion's survival model; the aim is 1,000,000 curves in under 30 s.
/// </summary>
internal sealed class BenchTimeToChurnCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers whose curves are scored (generated with seed 1 unless --data is given).", DefaultValueFactory = _ => 1_000_000 };
    private static readonly Option<DirectoryInfo?> s_data = new("--data") { Description = "Data folder to score (default: generate --customers into out/bench)." };
    private static readonly Option<DirectoryInfo?> s_models = new("--models") { Description = "Registry whose champion has a survival model (default: out/bench/models-100000; 'bench train --data DIR' writes DIR/bench-models)." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchTimeToChurnCommand() : base("time-to-churn", "Time scoring every customer's survival curve and median time to churn with the champion's survival model.")
    {
        Options.Add(s_customers);
        Options.Add(s_data);
        Options.Add(s_models);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = parse.GetValue(s_data)?.FullName ?? await BenchCommand.EnsureData(customers, cancellationToken);
            var registry = new ModelRegistry(parse.GetValue(s_models)?.FullName ?? CommonOptions.Repo("out", "bench", "models-100000"));
            var models = registry.LoadChampion() ?? throw new ArgumentException($"no champion in {registry.Root}: run 'bench train' first");
            var survival = models.Survival ?? throw new ArgumentException($"the champion in {registry.Root} has no survival model: {string.Join("; ", models.Metadata.NotTrained)}");
            var features = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data }, NullLogger.Instance, cancellationToken: cancellationToken);
            var table = features.Table;
            // Every row as paying: the bench times curves, whatever share of the generated customers pays today.
            var status = Enumerable.Repeat(CustomerStatus.Customer, table.RowCount).ToArray();
            Console.Error.WriteLine($"load average before: {Load()}");
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var scored = TimeToChurn.Score(survival, table, status)!;
            double seconds = watch.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.Error.WriteLine($"load average after: {Load()}");
            int withMedian = scored.MedianDays.Count(m => !float.IsNaN(m));
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | time-to-churn curves ({1} hazard, 6 periods each, median time to churn) | {2:N0} customers | {3:F2} s ({4:F2} s CPU; {5:N0} curves/s; {6:N0} with a median within 180 days) | aim: 1,000,000 under 30 s | {7:N0} MB | {8} |",
                DateTime.UtcNow, survival.Model.Info.Spec.Trainer, table.RowCount, seconds, cpuSeconds, table.RowCount / Math.Max(seconds, 1e-9), withMedian,
                BenchCommand.PeakMb(), BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
