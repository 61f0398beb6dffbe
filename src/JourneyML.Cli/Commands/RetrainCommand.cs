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
    private static readonly Option<bool> s_csv = new("--csv") { Description = "Also write the ranked list as CSV beside the snapshot (as score --csv does)." };
    private static readonly Option<string> s_layout = CommonOptions.Layout();
    private static readonly Option<bool> s_excel = CommonOptions.Excel();

    public RetrainCommand() : base("retrain", "The nightly job: validate fresh data, build features, train, promote only if not worse than the champion, and score every customer.")
    {
        Options.Add(TrainCommand.Data);
        Options.Add(TrainCommand.Mapping);
        Options.Add(TrainCommand.AsOf);
        Options.Add(TrainCommand.Horizon);
        Options.Add(TrainCommand.SkipInvalid);
        Options.Add(TrainCommand.Registry);
        Options.Add(TrainCommand.Segments);
        Options.Add(TrainCommand.Tolerance);
        Options.Add(TrainCommand.Force);
        Options.Add(TrainCommand.FixedTrainer);
        Options.Add(TrainCommand.NoBacktest);
        Options.Add(s_csv);
        Options.Add(s_layout);
        Options.Add(s_excel);
        JourneyMapOptions.AddTo(this);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var logger = loggers.CreateLogger("retrain");
            var request = new RetrainSettings
            {
                DataDirectory = parse.GetValue(TrainCommand.Data)!.FullName,
                MappingFile = parse.GetValue(TrainCommand.Mapping)?.FullName,
                AsOf = CommonOptions.ParseDate(parse.GetValue(TrainCommand.AsOf), "--as-of"),
                HorizonDays = parse.GetValue(TrainCommand.Horizon),
                SkipInvalid = parse.GetValue(TrainCommand.SkipInvalid),
                Segments = parse.GetValue(TrainCommand.Segments),
                Tolerance = parse.GetValue(TrainCommand.Tolerance),
                Force = parse.GetValue(TrainCommand.Force),
                FixedTrainer = parse.GetValue(TrainCommand.FixedTrainer),
                Backtest = !parse.GetValue(TrainCommand.NoBacktest),
                // As with score: --layout or --excel asks for the CSV too.
                WriteCsv = parse.GetValue(s_csv) || parse.GetValue(s_excel) || parse.GetResult(s_layout) is { Implicit: false },
                ExportFormat = CommonOptions.ExportFormat(parse, s_layout, s_excel),
                FunnelWindowDays = JourneyMapOptions.WindowDays(parse),
                DesignedJourneyFile = JourneyMapOptions.DesignedFile(parse),
            };
            var result = TerminalProgress.Run("retraining", progress => RetrainRun.Run(request.ToOptions(parse.GetValue(TrainCommand.Registry)!.FullName),
                logger, cancellationToken, progress));
            Console.WriteLine(TrainingSummaryText.Format(result.Training));
            Console.WriteLine(ScoreCommand.Format(result.Scoring, 5));
            var map = result.JourneyMap;
            Console.WriteLine($"Journey map: {map.Kpis.Customers:N0} customers, {map.Insights.Count} insights, {map.Changes.Count} changes since the last map; {result.JourneyDirectory}");
            return TrainingSummaryText.ExitCode(result.Training.Metadata);
        }));
    }
}
