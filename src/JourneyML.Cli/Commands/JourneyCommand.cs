using System.CommandLine;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Journeys;
using Microsoft.Extensions.Logging;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml journey</c>: the journey map rebuilt from the events for a window, for everyone or one segment.</summary>
internal sealed class JourneyCommand : Command
{
    private static readonly Option<DirectoryInfo> s_data = CommonOptions.Data(CommonOptions.Repo("data-samples", "sample"));
    private static readonly Option<FileInfo?> s_mapping = CommonOptions.Mapping();
    private static readonly Option<DirectoryInfo> s_registry = CommonOptions.Registry();
    private static readonly Option<string?> s_from = new("--from") { Description = "Start of the window (yyyy-MM-dd). Default: 180 days before --to." };
    private static readonly Option<string?> s_to = new("--to") { Description = "End of the window (yyyy-MM-dd). Default: the data's as-of date." };
    private static readonly Option<int?> s_segment = new("--segment") { Description = "Only the customers of this segment (the champion's segment id at --to)." };
    private static readonly Option<string?> s_account = new("--account") { Description = "Only the contacts of this account: the buying group's journey." };
    private static readonly Option<int> s_step = new("--step") { Description = "Days between stage evaluations when rebuilding the timelines.", DefaultValueFactory = _ => 7 };
    private static readonly Option<DirectoryInfo?> s_out = new("--out", "-o")
    {
        Description = "Folder for journey-map.json, .md and .html (default: <registry>/journeys/all or segment-N; what changed is against the map there before).",
    };

    public JourneyCommand() : base("journey", "Rebuild the journey map from the events: stages, flow, conversion, drop-off, time in stage, touchpoints, insights, changes (JSON, Markdown, HTML).")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_registry);
        Options.Add(s_from);
        Options.Add(s_to);
        Options.Add(s_segment);
        Options.Add(s_account);
        Options.Add(s_step);
        JourneyMapOptions.AddTo(this);
        Options.Add(s_out);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            using var loggers = CliLogging.CreateFactory(parse.GetValue(CommonOptions.Verbose));
            var (map, directory) = JourneyRun.Run(new JourneyOptions
            {
                DataDirectory = parse.GetValue(s_data)!.FullName,
                MappingFile = parse.GetValue(s_mapping)?.FullName,
                RegistryPath = parse.GetValue(s_registry)!.FullName,
                From = CommonOptions.ParseDate(parse.GetValue(s_from), "--from"),
                To = CommonOptions.ParseDate(parse.GetValue(s_to), "--to"),
                Segment = parse.GetValue(s_segment),
                Account = parse.GetValue(s_account),
                StepDays = parse.GetValue(s_step),
                OutputDirectory = parse.GetValue(s_out)?.FullName,
                FunnelWindowDays = JourneyMapOptions.WindowDays(parse),
                DesignedJourneyFile = JourneyMapOptions.DesignedFile(parse),
            }, loggers.CreateLogger("journey"), cancellationToken);
            Console.WriteLine(JourneyMapMarkdown.Render(map));
            Console.WriteLine($"Wrote journey-map.json, journey-map.md and journey-map.html to {directory}");
            return ExitCodes.Success;
        }));
    }
}
