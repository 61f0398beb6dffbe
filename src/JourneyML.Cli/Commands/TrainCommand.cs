using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using Microsoft.Extensions.Logging;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml train</c>: segments, churn and lead models from an export (or a ready feature table) into a new registry version.</summary>
internal sealed class TrainCommand : Command
{
    internal static readonly Option<DirectoryInfo> Data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    internal static readonly Option<FileInfo?> Mapping = CommonOptions.Mapping();
    internal static readonly Option<string?> AsOf = CommonOptions.AsOf();
    internal static readonly Option<int> Horizon = CommonOptions.Horizon();
    internal static readonly Option<bool> SkipInvalid = CommonOptions.SkipInvalid();
    internal static readonly Option<DirectoryInfo> Registry = CommonOptions.Registry();
    internal static readonly Option<int?> Segments = new("--segments")
    {
        Description = "Number of segments (default: chosen automatically between 2 and 12).",
    };
    internal static readonly Option<double> Tolerance = new("--tolerance")
    {
        Description = "How much lower (PR-AUC and ROC AUC) than the champion on the same holdout a new model may score and still be promoted.",
        DefaultValueFactory = _ => 0.01,
    };
    internal static readonly Option<bool> Force = new("--force") { Description = "Promote the new model even when it is worse than the champion." };
    internal static readonly Option<bool> FixedTrainer = new("--fixed-trainer")
    {
        Description = "Skip the model-selection sweep and train one LightGBM configuration (faster; for quick runs).",
    };
    internal static readonly Option<bool> NoBacktest = new("--no-backtest")
    {
        Description = "Skip the out-of-time backtest (the chosen models refitted as of the as-of date minus the horizon, scored as of the as-of date).",
    };
    private static readonly Option<FileInfo?> s_featureTable = new("--feature-table")
    {
        Description = "Train from a ready feature table (one row per customer) instead of behaviour logs.",
    };
    internal static readonly Option<FileInfo?> Features = new("--features")
    {
        Description = "A feature table 'journeyml features' wrote from this export (--data), reused instead of building the features again; " +
            "checked first (as-of date, horizon, feature plan, the data it came from): a table that does not fit the run is an error.",
    };
    private static readonly Option<string> s_id = new("--id") { Description = "Id column of the feature table.", DefaultValueFactory = _ => "customer_id" };
    private static readonly Option<string?> s_label = new("--label") { Description = "Label column of the feature table (1 = the outcome happened); without it, only the segments are found and saved." };
    private static readonly Option<string?> s_duration = new("--duration")
    {
        Description = "Duration column of the feature table (days each customer was followed: to its churn or to the data's end); with --event, trains the survival model (time to churn).",
    };
    private static readonly Option<string?> s_event = new("--event")
    {
        Description = "Event column of the feature table for the survival model (1 = churned at the end of its duration, 0 = still paying: censored).",
    };
    private static readonly Option<string?> s_encoding = CommonOptions.TableEncoding();
    private static readonly Option<string?> s_delimiter = CommonOptions.TableDelimiter();
    private static readonly Option<string> s_task = new("--task")
    {
        Description = "What the feature table's label means: churn or conversion.",
        DefaultValueFactory = _ => "churn",
    };

    /// <param name="oracle">The known truth of a data folder, handed to the run (tool hosts on generated data); the product passes none.</param>
    public TrainCommand(Func<string, KnownTruth?>? oracle = null) : base("train", "Train segments and the churn and lead-propensity models, write a new model version, and promote it if it is not worse than the champion.")
    {
        Options.Add(Data);
        Options.Add(Mapping);
        Options.Add(AsOf);
        Options.Add(Horizon);
        Options.Add(SkipInvalid);
        Options.Add(Registry);
        Options.Add(Segments);
        Options.Add(Tolerance);
        Options.Add(Force);
        Options.Add(FixedTrainer);
        Options.Add(NoBacktest);
        Options.Add(s_featureTable);
        Options.Add(Features);
        Options.Add(s_id);
        Options.Add(s_label);
        Options.Add(s_task);
        Options.Add(s_duration);
        Options.Add(s_event);
        Options.Add(s_encoding);
        Options.Add(s_delimiter);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var task = parse.GetValue(s_task) switch
            {
                "churn" => LabelNames.Churn,
                "conversion" => LabelNames.Conversion,
                var other => throw new InvalidInputException($"--task must be churn or conversion, not '{other}'"),
            };
            var featureTable = parse.GetValue(s_featureTable)?.FullName;
            if (featureTable is not null && parse.GetValue(Features) is not null)
            {
                throw new InvalidInputException("--features reuses a table 'journeyml features' wrote from --data; --feature-table trains on your own table: give one of them");
            }
            var (duration, eventColumn) = (parse.GetValue(s_duration), parse.GetValue(s_event));
            if ((duration ?? eventColumn) is not null && (featureTable is null || duration is null || eventColumn is null))
            {
                throw new InvalidInputException(featureTable is null
                    ? "--duration and --event read a ready table: give it with --feature-table (behaviour logs get their survival model from the events)"
                    : $"--duration and --event go together: {(duration is null ? "--duration" : "--event")} is missing");
            }
            var options = new TrainingOptions
            {
                Features = featureTable is not null
                    ? new FeatureTableSource(featureTable)
                    {
                        IdColumn = parse.GetValue(s_id)!,
                        LabelColumn = parse.GetValue(s_label),
                        LabelTask = task,
                        Policy = parse.GetValue(SkipInvalid) ? InvalidRowPolicy.Skip : InvalidRowPolicy.Strict,
                        Csv = CommonOptions.TableFormat(parse, s_encoding, s_delimiter),
                        DurationColumn = duration,
                        EventColumn = eventColumn,
                    }
                    : FeaturesFrom(parse, Data, Mapping, AsOf, Horizon, SkipInvalid) with { FeaturesFile = parse.GetValue(Features)?.FullName },
                RegistryPath = parse.GetValue(Registry)!.FullName,
                Segments = parse.GetValue(Segments),
                Tolerance = parse.GetValue(Tolerance),
                Force = parse.GetValue(Force),
                Candidates = parse.GetValue(FixedTrainer) ? [CandidateSpec.Default] : null,
                Backtest = !parse.GetValue(NoBacktest),
                Oracle = oracle?.Invoke(featureTable is null ? parse.GetValue(Data)!.FullName : Path.GetDirectoryName(featureTable)!),
            };
            var result = TerminalProgress.Run("training", progress => TrainingRun.Run(options, loggers.CreateLogger("train"), cancellationToken, progress));
            Console.WriteLine(TrainingSummaryText.Format(result));
            return TrainingSummaryText.ExitCode(result.Metadata);
        }));
    }

    internal static FeatureRunOptions FeaturesFrom(System.CommandLine.ParseResult parse, Option<DirectoryInfo> data, Option<FileInfo?> mapping,
        Option<string?> asOf, Option<int> horizon, Option<bool> skipInvalid) => new()
    {
        DataDirectory = parse.GetValue(data)!.FullName,
        MappingFile = parse.GetValue(mapping)?.FullName,
        AsOf = CommonOptions.ParseDate(parse.GetValue(asOf), "--as-of"),
        HorizonDays = parse.GetValue(horizon),
        Policy = parse.GetValue(skipInvalid) ? InvalidRowPolicy.Skip : InvalidRowPolicy.Strict,
    };
}
