using System.CommandLine;
using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Logging;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml score</c>: every customer with the champion, into a new snapshot.</summary>
internal sealed class ScoreCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<FileInfo?> s_mapping = CommonOptions.Mapping();
    private static readonly Option<string?> s_asOf = new("--as-of")
    {
        Description = "As-of date (UTC, yyyy-MM-dd): score on events strictly before it. Default: the data's as-of date (everything known).",
    };
    private static readonly Option<bool> s_skipInvalid = CommonOptions.SkipInvalid();
    private static readonly Option<DirectoryInfo> s_registry = CommonOptions.Registry();
    private static readonly Option<bool> s_csv = new("--csv")
    {
        Description = "Also write the ranked list as CSV beside the snapshot: paying customers by churn risk, then leads by lead score, then churned customers.",
    };
    private static readonly Option<string> s_layout = CommonOptions.Layout();
    private static readonly Option<bool> s_excel = CommonOptions.Excel();
    private static readonly Option<int> s_top = new("--top") { Description = "How many of the riskiest customers to print.", DefaultValueFactory = _ => 10 };
    private static readonly Option<FileInfo?> s_featureTable = new("--feature-table")
    {
        Description = "Score a ready feature table (one row per customer, the columns the champion was trained on) instead of behaviour logs.",
    };
    private static readonly Option<FileInfo?> s_features = new("--features")
    {
        Description = "A feature table 'journeyml features --as-of <the data's as-of date>' wrote from this export (--data), reused instead of building the features again; " +
            "checked first (as-of date, horizon, feature plan, the data it came from): a table that does not fit the run is an error.",
    };
    private static readonly Option<string> s_id = new("--id") { Description = "Id column of the feature table.", DefaultValueFactory = _ => "customer_id" };
    private static readonly Option<string?> s_encoding = CommonOptions.TableEncoding();
    private static readonly Option<string?> s_delimiter = CommonOptions.TableDelimiter();

    public ScoreCommand() : base("score", "Score every customer with the champion model: segment, churn risk, lead score, top factors and the change since the last snapshot.")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_asOf);
        Options.Add(s_skipInvalid);
        Options.Add(s_registry);
        Options.Add(s_csv);
        Options.Add(s_layout);
        Options.Add(s_excel);
        Options.Add(s_top);
        Options.Add(s_featureTable);
        Options.Add(s_features);
        Options.Add(s_id);
        Options.Add(s_encoding);
        Options.Add(s_delimiter);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            if (parse.GetValue(s_featureTable) is { } table)
            {
                if (parse.GetValue(s_features) is not null)
                {
                    throw new Core.Errors.InvalidInputException("--features reuses a table 'journeyml features' wrote from --data; --feature-table scores your own table: give one of them");
                }
                var scored = ScoringRun.Run(new ScoringOptions
                {
                    Features = new FeatureTableSource(table.FullName)
                    {
                        IdColumn = parse.GetValue(s_id)!,
                        Policy = parse.GetValue(s_skipInvalid) ? InvalidRowPolicy.Skip : InvalidRowPolicy.Strict,
                        Csv = CommonOptions.TableFormat(parse, s_encoding, s_delimiter),
                    },
                    RegistryPath = parse.GetValue(s_registry)!.FullName,
                    WriteCsv = WantsCsv(parse),
                    ExportFormat = CommonOptions.ExportFormat(parse, s_layout, s_excel),
                }, loggers.CreateLogger("score"), cancellationToken);
                Console.WriteLine(Format(scored, parse.GetValue(s_top)));
                return ExitCodes.Success;
            }
            var csv = WantsCsv(parse) ? CommonOptions.ExportFormat(parse, s_layout, s_excel) : null;
            var result = Score(parse.GetValue(s_data)!.FullName, parse.GetValue(s_mapping)?.FullName, CommonOptions.ParseDate(parse.GetValue(s_asOf), "--as-of"),
                parse.GetValue(s_skipInvalid), parse.GetValue(s_registry)!.FullName, csv, loggers.CreateLogger("score"), cancellationToken,
                parse.GetValue(s_features)?.FullName);
            Console.WriteLine(Format(result, parse.GetValue(s_top)));
            return ExitCodes.Success;
        }));
    }

    // A layout or --excel only means something for the CSV: asking for one asks for the CSV.
    private static bool WantsCsv(ParseResult parse) =>
        parse.GetValue(s_csv) || parse.GetValue(s_excel) || parse.GetResult(s_layout) is { Implicit: false };

    /// <param name="csv">Write the ranked list as CSV in this format; null writes none.</param>
    /// <param name="featuresFile">A table 'journeyml features' wrote from this export, reused after checking it fits; null builds the features.</param>
    internal static ScoringResult Score(string data, string? mapping, DateTime? asOf, bool skipInvalid, string registry, ExportFormat? csv, ILogger logger,
        CancellationToken cancellationToken, string? featuresFile = null)
    {
        var features = new FeatureRunOptions
        {
            DataDirectory = data,
            MappingFile = mapping,
            AsOf = asOf,
            Policy = skipInvalid ? InvalidRowPolicy.Skip : InvalidRowPolicy.Strict,
            FeaturesFile = featuresFile,
        };
        return ScoringRun.Run(new ScoringOptions { Features = features, RegistryPath = registry, WriteCsv = csv is not null, ExportFormat = csv ?? ExportFormat.Default },
            logger, cancellationToken);
    }

    private static string Role(string column) => PassThroughColumns.Detect(column) switch
    {
        null or IdentityRole.Other => "as named in the mapping",
        IdentityRole.FirstName => "first name",
        IdentityRole.LastName => "last name",
        IdentityRole.FullName => "full name",
        { } role => role.ToString().ToLowerInvariant(),
    };

    internal static string Format(ScoringResult result, int top)
    {
        var s = result.Snapshot;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        int risk = s.ChurnRisk.Count(v => !float.IsNaN(v)), leads = s.LeadScore.Count(v => !float.IsNaN(v));
        string leadWord = TaskNames.Score(PredictionTask.Lead, result.Mode);
        var scores = new[] { risk > 0 ? risk.ToString("N0", inv) + " churn risks" : null, leads > 0 ? leads.ToString("N0", inv) + $" {leadWord}s" : null }.OfType<string>().ToList();
        string scored = scores.Count == 0 ? "segments only, no scores" : string.Join(", ", scores);
        sb.AppendLine(inv, $"Scored {s.Count:N0} customers as of {s.AsOf:yyyy-MM-dd} with model {s.ModelVersion} in {result.Elapsed.TotalSeconds:F1} s: {scored}");
        sb.AppendLine(inv, $"  snapshot {result.SnapshotPath}");
        if (result.CsvPath is not null)
        {
            sb.AppendLine(inv, $"  ranked list {result.CsvPath}: {result.Counts.Describe("customers")} (in that order)");
        }
        if (s.PassThrough.Count > 0)
        {
            // Column names only: the values are personal data and stay in the files.
            sb.AppendLine($"  your columns in every export: {string.Join(", ", s.PassThrough.Select(p => $"{p.Name} ({Role(p.Name)})"))}");
        }
        sb.AppendLine(result.PreviousSnapshot is null ? "  first snapshot: no change to report yet" : $"  changes against {Path.GetFileName(result.PreviousSnapshot)}");
        sb.AppendLine(inv, $"  stages: {string.Join(", ", s.Stage.GroupBy(x => x.Length == 0 ? "no stage" : x).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}"))}");
        if (result.AtRisk is { } atRisk)
        {
            sb.AppendLine(inv, $"  {atRisk}");
        }
        foreach (var note in result.Notes)
        {
            sb.AppendLine(inv, $"  note: {note}");
        }
        if (result.ReportPath is { } report)
        {
            sb.AppendLine(inv, $"  report {report}");
        }
        if (risk == 0 && leads > 0)
        {
            // A conversion (or lead) model only: the ranked list is the most likely to convert.
            sb.AppendLine(inv, $"Top {top} {leadWord}s:");
            foreach (int r in Enumerable.Range(0, s.Count).Where(r => !float.IsNaN(s.LeadScore[r])).OrderByDescending(r => s.LeadScore[r])
                .ThenBy(r => s.CustomerIds[r], StringComparer.Ordinal).Take(top))
            {
                sb.AppendLine(inv, $"  {s.CustomerIds[r],-10} {s.LeadScore[r],5:0%}  {Stage(s.Stage[r]),-20} [{s.SegmentNames[r]}]  {s.Factors[r]}");
            }
            return sb.ToString().TrimEnd();
        }
        if (risk == 0)
        {
            sb.AppendLine(inv, $"Segments: {string.Join(", ", s.SegmentNames.GroupBy(n => n).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}"))}");
            return sb.ToString().TrimEnd();
        }
        sb.AppendLine(inv, $"Top {top} churn risks:");
        foreach (int r in result.RankedByRisk().Take(top))
        {
            sb.AppendLine(inv, $"  {s.CustomerIds[r],-10} {s.ChurnRisk[r],5:0%}  {Stage(s.Stage[r]),-20} [{s.SegmentNames[r]}]  {s.Factors[r]}");
            if (s.ChangeReason[r].Length > 0)
            {
                sb.AppendLine(inv, $"  {"",-10} {"",5}  {s.ChangeReason[r]}");
            }
        }
        return sb.ToString().TrimEnd();
    }

    private static string Stage(string stage) => stage.Length == 0 ? "no stage" : stage;
}
