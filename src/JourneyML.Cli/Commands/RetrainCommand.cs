using System.CommandLine;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using Microsoft.Extensions.Logging;

namespace JourneyML.Cli.Commands;

/// <summary>
/// <c>journeyml retrain</c>: the chain a scheduled job runs, in one command with one exit code: ingest, features,
/// train, gate, score. The summary says what happened: promoted or not and why, metrics against the champion,
/// drift flags, customers scored, where the outputs are.
/// </summary>
internal sealed class RetrainCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<FileInfo?> s_mapping = CommonOptions.Mapping();
    private static readonly Option<string?> s_asOf = CommonOptions.AsOf();
    private static readonly Option<int> s_horizon = CommonOptions.Horizon();
    private static readonly Option<bool> s_skipInvalid = CommonOptions.SkipInvalid();
    private static readonly Option<DirectoryInfo> s_registry = CommonOptions.Registry();
    private static readonly Option<bool> s_csv = new("--csv") { Description = "Also write the snapshot as CSV." };

    public RetrainCommand() : base("retrain", "The nightly job: validate fresh data, build features, train, promote only if not worse than the champion, and score every customer.")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_asOf);
        Options.Add(s_horizon);
        Options.Add(s_skipInvalid);
        Options.Add(s_registry);
        Options.Add(TrainCommand.Segments);
        Options.Add(TrainCommand.Tolerance);
        Options.Add(TrainCommand.Force);
        Options.Add(TrainCommand.FixedTrainer);
        Options.Add(s_csv);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var logger = loggers.CreateLogger("retrain");
            var request = new RetrainSettings
            {
                DataDirectory = parse.GetValue(s_data)!.FullName,
                MappingFile = parse.GetValue(s_mapping)?.FullName,
                AsOf = CommonOptions.ParseDate(parse.GetValue(s_asOf), "--as-of"),
                HorizonDays = parse.GetValue(s_horizon),
                SkipInvalid = parse.GetValue(s_skipInvalid),
                Segments = parse.GetValue(TrainCommand.Segments),
                Tolerance = parse.GetValue(TrainCommand.Tolerance),
                Force = parse.GetValue(TrainCommand.Force),
                FixedTrainer = parse.GetValue(TrainCommand.FixedTrainer),
                WriteCsv = parse.GetValue(s_csv),
            };
            var result = TerminalProgress.Run("retraining", progress => RetrainRun.Run(request.ToOptions(parse.GetValue(s_registry)!.FullName),
                logger, cancellationToken, progress));
            Console.WriteLine(TrainingSummaryText.Format(result.Training));
            Console.WriteLine(ScoreCommand.Format(result.Scoring, 5));
            var map = result.JourneyMap;
            Console.WriteLine($"Journey map: {map.Kpis.Customers:N0} customers, {map.Insights.Count} insights, {map.Changes.Count} changes since the last map; {result.JourneyDirectory}");
            return ExitCodes.Success;
        }));
    }
}
