using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench train</c>: the whole training run (features, k selection, segments, both classifiers with the sweep, report).</summary>
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
                Features = new FeatureRunOptions { DataDirectory = data, AsOf = new GeneratorOptions().ReferenceAsOf },
                RegistryPath = registry,
                Force = true, // the benchmark's model becomes the champion the scoring benchmark uses
                Oracle = GroundTruth.TryLoad(data),
            }, NullLogger.Instance, cancellationToken);
            watch.Stop();
            var m = result.Metadata;
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | train end to end (features, k 2-12, segments, 2 classifiers x 7 candidates x 3 folds, report) | {1:N0} customers, {2:N0} events | {3:F1} s | churn AUC {4:F3} (oracle {5:F3}), lead AUC {6:F3} (oracle {7:F3}), segments ARI {8:F3}, k={9} | {10:N0} MB | {11} |",
                DateTime.UtcNow, m.Rows.Customers, m.Rows.EventsBeforeAsOf + m.Rows.EventsAfterAsOf, watch.Elapsed.TotalSeconds,
                m.Churn?.Holdout.Auc, m.Churn?.OracleAuc, m.Lead?.Holdout.Auc, m.Lead?.OracleAuc, m.GroundTruth?.SegmentAdjustedRandIndex, m.Segmentation.ChosenK,
                BenchCommand.PeakMb(), BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}
