using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Pipelines;
using Microsoft.Extensions.Logging;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml features</c>: validate an export and write its point-in-time feature table.</summary>
internal sealed class FeaturesCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<FileInfo?> s_mapping = CommonOptions.Mapping();
    private static readonly Option<string?> s_asOf = CommonOptions.AsOf();
    private static readonly Option<int> s_horizon = CommonOptions.Horizon();
    private static readonly Option<bool> s_skipInvalid = CommonOptions.SkipInvalid();
    private static readonly Option<FileInfo> s_out = new("--out", "-o")
    {
        Description = "Feature table to write (.parquet or .csv); a .report.md is written beside it.",
        DefaultValueFactory = _ => new FileInfo(Path.Combine("out", "features.parquet")),
    };

    public FeaturesCommand() : base("features", "Validate an export and build one feature row per customer as of a date (events strictly before it), with churn and conversion labels.")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_asOf);
        Options.Add(s_horizon);
        Options.Add(s_skipInvalid);
        Options.Add(s_out);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var options = new FeatureRunOptions
            {
                DataDirectory = parse.GetValue(s_data)!.FullName,
                MappingFile = parse.GetValue(s_mapping)?.FullName,
                AsOf = CommonOptions.ParseDate(parse.GetValue(s_asOf), "--as-of"),
                HorizonDays = parse.GetValue(s_horizon),
                Policy = parse.GetValue(s_skipInvalid) ? InvalidRowPolicy.Skip : InvalidRowPolicy.Strict,
                OutputPath = parse.GetValue(s_out)!.FullName,
            };
            var result = FeatureRun.Run(options, loggers.CreateLogger("features"), cancellationToken: cancellationToken);
            Console.WriteLine(FeatureSummaryText.Format(result));
            return ExitCodes.Success;
        }));
    }
}
