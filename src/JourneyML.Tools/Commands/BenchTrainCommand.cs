using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench train</c>: the whole training run (features, k selection, segments, both classifiers with the sweep, report).</summary>
internal sealed class BenchTrainCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data.", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };
    private static readonly Option<DirectoryInfo?> s_data = new("--data") { Description = "Generated data to train on (default: generate --customers into out/bench)." };
    private static readonly Option<bool> s_noBacktest = new("--no-backtest") { Description = "Leave out the out-of-time backtest (to see its share of the time)." };

    public BenchTrainCommand() : base("train", "Time a full training run on generated data; report time, peak memory and quality against the planted truth.")
    {
        Options.Add(s_customers);
        Options.Add(s_results);
        Options.Add(s_data);
        Options.Add(s_noBacktest);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = parse.GetValue(s_data)?.FullName ?? await BenchCommand.EnsureData(customers, cancellationToken);
            var registry = parse.GetValue(s_data) is null ? CommonOptions.Repo("out", "bench", $"models-{customers}") : Path.Combine(data, "bench-models");
            var loadBefore = BenchCommand.LoadAverage();
            var watch = Stopwatch.StartNew();
            var result = TrainingRun.Run(new TrainingOptions
            {
                Features = new FeatureRunOptions { DataDirectory = data, AsOf = new GeneratorOptions().ReferenceAsOf },
                RegistryPath = registry,
                Force = true, // the benchmark's model becomes the champion the scoring benchmark uses
                Oracle = GroundTruth.TryLoad(data),
                Backtest = !parse.GetValue(s_noBacktest),
            }, NullLogger.Instance, cancellationToken);
            watch.Stop();
            // Where the time went, with the machine's load before and after: on a shared machine compare the CPU shares.
            Console.Error.WriteLine($"load average before: {loadBefore}; after: {BenchCommand.LoadAverage()}");
            Console.Error.WriteLine(result.Phases.Table());
            var m = result.Metadata;
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | train end to end (features, k 2-12, segments, 2 classifiers x {12} candidates x 3 folds, calibrator choice, {13}, report) | {1:N0} customers, {2:N0} events | {3:F1} s | churn AUC {4:F3} (oracle {5:F3}), lead AUC {6:F3} (oracle {7:F3}), segments ARI {8:F3}, k={9} | {10:N0} MB | {11} |",
                DateTime.UtcNow, m.Rows.Customers, m.Rows.EventsBeforeAsOf + m.Rows.EventsAfterAsOf, watch.Elapsed.TotalSeconds,
                m.Churn?.Holdout.Auc, m.Churn?.OracleAuc, m.Lead?.Holdout.Auc, m.Lead?.OracleAuc, m.GroundTruth?.SegmentAdjustedRandIndex, m.Segmentation.ChosenK,
                BenchCommand.PeakMb(), BenchCommand.Machine(), CandidateSpec.DefaultSweep.Count,
                parse.GetValue(s_noBacktest) ? "no backtest" : "backtest refitting the chosen candidates");
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}
