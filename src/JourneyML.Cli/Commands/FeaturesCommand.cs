using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Sql;
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
    private static readonly Option<string> s_engine = new Option<string>("--engine")
    {
        Description = "What counts the events: csharp (reads CSV or Parquet) or duckdb (the feature SQL run embedded over Parquet events, past memory). Both write the same table.",
        DefaultValueFactory = _ => "csharp",
    }.AcceptOnlyFromAmong("csharp", "duckdb");
    private static readonly Option<string?> s_emitSql = new Option<string?>("--emit-sql")
    {
        Description = "Print the feature SQL for duckdb, spark or trino (tables events and customers) and stop; bring its result back with --counters.",
    }.AcceptOnlyFromAmong("duckdb", "spark", "trino");
    private static readonly Option<FileInfo?> s_counters = new("--counters")
    {
        Description = "Parquet file (or folder of parts) the feature SQL of --emit-sql wrote elsewhere: its event counters become the feature table, events not read here.",
    };

    public FeaturesCommand() : base("features", "Validate an export and build one feature row per customer as of a date (events strictly before it), with churn and conversion labels.")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_asOf);
        Options.Add(s_horizon);
        Options.Add(s_skipInvalid);
        Options.Add(s_out);
        Options.Add(s_engine);
        Options.Add(s_emitSql);
        Options.Add(s_counters);
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
                Engine = EngineOf(parse),
            };
            if (parse.GetValue(s_emitSql) is { } dialect)
            {
                Console.Write(EmitSql(options, dialect));
                return ExitCodes.Success;
            }
            var result = FeatureRun.Run(options, loggers.CreateLogger("features"), cancellationToken: cancellationToken);
            Console.WriteLine(FeatureSummaryText.Format(result));
            return ExitCodes.Success;
        }));
    }

    private static IFeatureEngine? EngineOf(ParseResult parse) =>
        parse.GetValue(s_counters) is { } counters ? new CountersFileEngine(counters.FullName)
        : parse.GetValue(s_engine) == "duckdb" ? new DuckDbFeatureEngine()
        : null;

    /// <summary>The feature SQL for this export's mapping, as of the run's date (the same default as building); no data is read.</summary>
    private static string EmitSql(FeatureRunOptions options, string dialect)
    {
        var mapping = DataMapping.ForDirectory(options.DataDirectory, options.MappingFile);
        var dataAsOf = options.DataAsOf ?? mapping.DataAsOf ?? throw new InvalidInputException(
            $"the mapping of {options.DataDirectory} gives no dataAsOf (when the export was taken): add it to {DataMapping.DefaultFileName}, the SQL needs it");
        var asOf = options.AsOf ?? FeatureRun.DefaultAsOf(dataAsOf, options.HorizonDays);
        // As the export is opened: the mapping's outcomes path, else an outcomes table beside the others.
        bool withOutcomes = mapping.Outcomes.Path is not null
            || (Directory.Exists(options.DataDirectory) && Directory.EnumerateFileSystemEntries(options.DataDirectory, "outcomes*").Any());
        return FeatureSqlScript.For(mapping, dataAsOf, asOf, options.HorizonDays, dialect, withOutcomes);
    }
}
