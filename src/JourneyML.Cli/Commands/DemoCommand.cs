using System.CommandLine;
using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using Microsoft.Extensions.Logging;

namespace JourneyML.Cli.Commands;

/// <summary>
/// <c>journeyml demo</c>: the main job on the embedded default (the committed sample, files under the repo):
/// validate the export, build the point-in-time features, train segments and the churn and lead models into the
/// registry (promoted if not worse than the champion), and score every customer into a snapshot.
/// </summary>
internal sealed class DemoCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<DirectoryInfo> s_out = new("--out", "-o")
    {
        Description = "Folder for the outputs.",
        DefaultValueFactory = _ => new DirectoryInfo(CommonOptions.Repo("out", "demo")),
    };

    private static readonly Option<DirectoryInfo> s_registry = CommonOptions.Registry();

    public DemoCommand() : base("demo", "Run the main job on the committed sample: validate, build features, train and gate the models, score every customer.")
    {
        Options.Add(s_data);
        Options.Add(s_out);
        Options.Add(s_registry);
        JourneyMapOptions.AddTo(this);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var output = parse.GetValue(s_out)!.FullName;
            // The map's options are checked before the demo trains, not after.
            var (windows, designed) = (JourneyMapOptions.WindowDays(parse), JourneyMapOptions.DesignedFile(parse));
            JourneyRun.CheckAnalysis(windows, designed);
            var options = new FeatureRunOptions
            {
                DataDirectory = parse.GetValue(s_data)!.FullName,
                OutputPath = Path.Combine(output, "features.parquet"),
            };
            var logger = loggers.CreateLogger("demo");
            var result = FeatureRun.Run(options, logger, cancellationToken: cancellationToken);
            Console.WriteLine(FeatureSummaryText.Format(result));
            Console.WriteLine();
            Console.WriteLine(Profile(result.Table));
            Console.WriteLine();
            var registry = parse.GetValue(s_registry)!.FullName;
            var training = TerminalProgress.Run("training", progress => TrainingRun.Run(new TrainingOptions { Features = options with { OutputPath = null }, RegistryPath = registry }, logger, cancellationToken, progress));
            Console.WriteLine(TrainingSummaryText.Format(training));
            Console.WriteLine();
            var scoring = ScoreCommand.Score(options.DataDirectory, null, null, false, registry, csv: null, logger, cancellationToken);
            Console.WriteLine(ScoreCommand.Format(scoring, 10));
            Console.WriteLine();
            var (map, directory) = JourneyRun.Run(new JourneyOptions
            {
                DataDirectory = options.DataDirectory,
                RegistryPath = registry,
                FunnelWindowDays = windows,
                DesignedJourneyFile = designed,
            }, logger, cancellationToken);
            Console.WriteLine($"Journey map ({map.Kpis.Customers:N0} customers, {map.From:yyyy-MM-dd} to {map.To:yyyy-MM-dd}): {Path.Combine(directory, JourneyMapFolders.HtmlFile)}");
            foreach (var insight in map.Insights.Take(5))
            {
                Console.WriteLine($"  - {insight.Text}");
            }
            return ExitCodes.Success;
        }));
    }

    /// <summary>Key signals by what happened within the horizon: the first look an analyst takes before any model.</summary>
    private static string Profile(FeatureTable table)
    {
        var groups = FeatureSummary.ChurnGroups(table).Concat(FeatureSummary.ConversionGroups(table)).ToList();
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string> { "Mean of each signal before T, by what happened within the horizon (missing values left out):" };
        lines.Add(string.Format(inv, "  {0,-28}", "") + string.Concat(groups.Select(g => string.Format(inv, "{0,14}", $"n={g.Rows.Length}"))));
        foreach (var signal in FeatureSummary.MeansByOutcome(table, FeatureSummary.KeySignals, groups))
        {
            lines.Add(string.Format(inv, "  {0,-28}", signal.Signal) + string.Concat(signal.Means.Select(m => string.Format(inv, "{0,14:F2}", m))));
        }
        lines.Add("  (" + string.Join("; ", groups.Select(g => g.Name)) + ")");
        return string.Join(Environment.NewLine, lines);
    }
}
