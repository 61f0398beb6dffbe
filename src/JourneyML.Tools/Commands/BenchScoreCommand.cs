using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench score</c>: scoring every customer with top factors, with the champion of a benchmark registry.</summary>
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
                snapshot.Count / (scoreSeconds + writeSeconds), featureSeconds, BenchCommand.PeakMb(), BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return ExitCodes.Success;
        }));
    }
}
