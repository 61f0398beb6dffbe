using System.CommandLine;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;
using JourneyML.Core.Registry;
using JourneyML.Core.Stages;

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
    private static readonly Option<int> s_step = new("--step") { Description = "Days between stage evaluations when rebuilding the timelines.", DefaultValueFactory = _ => 7 };
    private static readonly Option<DirectoryInfo> s_out = new("--out", "-o")
    {
        Description = "Folder for journey-map.json and journey-map.md.",
        DefaultValueFactory = _ => new DirectoryInfo(CommonOptions.Repo("out", "journey")),
    };

    public JourneyCommand() : base("journey", "Rebuild the journey map from the events: stages, conversion, drop-off, time in stage, moves back, paths (JSON and Markdown).")
    {
        Options.Add(s_data);
        Options.Add(s_mapping);
        Options.Add(s_registry);
        Options.Add(s_from);
        Options.Add(s_to);
        Options.Add(s_segment);
        Options.Add(s_step);
        Options.Add(s_out);
        SetAction((parse, cancellationToken) => CommandRunner.Run(() =>
        {
            var dataset = Dataset.Open(parse.GetValue(s_data)!.FullName, new ValidationReport(), parse.GetValue(s_mapping)?.FullName);
            var to = CommonOptions.ParseDate(parse.GetValue(s_to), "--to") ?? dataset.DataAsOf.Date;
            var from = CommonOptions.ParseDate(parse.GetValue(s_from), "--from") ?? to.AddDays(-180);
            var registry = new ModelRegistry(parse.GetValue(s_registry)!.FullName);
            var champion = registry.LoadChampion();
            var stages = StageModel.ForRegistry(registry.Root, [.. BehaviourFeatures.Definitions.Select(d => d.Name)]);
            // Timelines start 90 days before the window, so stays that began before it have their real start.
            var history = StageHistory.Build(dataset, stages, from.AddDays(-90), to, parse.GetValue(s_step), champion, cancellationToken);
            var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = to }, cancellationToken: cancellationToken);
            var (churn, lead) = StageHistory.ScoresOf(table, champion);
            var tickets = table["tickets_30d"].Numbers!;
            var current = Enumerable.Range(0, table.RowCount).ToDictionary(r => table.CustomerIds[r], r => new CustomerSignals(tickets[r], churn[r], lead[r]));
            HashSet<string>? members = null;
            string? segmentName = null;
            if (parse.GetValue(s_segment) is { } segment)
            {
                var model = champion ?? throw new InvalidOperationException("--segment needs a champion model: train one first");
                var assigned = model.Segmentation.Assign(table);
                members = [.. Enumerable.Range(0, table.RowCount).Where(r => assigned[r] == segment).Select(r => table.CustomerIds[r])];
                int index = model.Segmentation.SegmentIds.ToList().IndexOf(segment);
                segmentName = index < 0
                    ? throw new ArgumentException($"--segment {segment}: the champion has segments {string.Join(", ", model.Segmentation.SegmentIds)}")
                    : $"{segment} {model.Segmentation.SegmentNames[index]}";
            }
            var map = JourneyMap.Build(stages, history, from, to, members, segmentName, current: current) with
            {
                Touchpoints = Touchpoints.Build(dataset, stages, history, from, to, members),
            };
            // A segment's map is compared with everyone's; everyone's stands alone.
            var overall = members is null ? null : JourneyMap.Build(stages, history, from, to, current: current);
            map = map with { Insights = JourneyInsights.From(map, overall) };
            var output = parse.GetValue(s_out)!.FullName;
            map = map.Write(output);
            Console.WriteLine(JourneyMapMarkdown.Render(map));
            Console.WriteLine($"Wrote {Path.Combine(output, "journey-map.json")} and journey-map.md");
            return ExitCodes.Success;
        }));
    }
}
