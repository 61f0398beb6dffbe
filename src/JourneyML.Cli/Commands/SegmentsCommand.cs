using System.CommandLine;
using System.Globalization;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;

namespace JourneyML.Cli.Commands;

/// <summary><c>journeyml segments list|export</c>: marketing's hidden segments, and their members for a campaign tool.</summary>
internal sealed class SegmentsCommand : Command
{
    private static readonly Option<DirectoryInfo> s_registry = CommonOptions.Registry(recursive: true);
    private static readonly Argument<int> s_segment = new("segment") { Description = "Segment id (see 'segments list')." };
    private static readonly Option<FileInfo> s_out = new("--out", "-o") { Description = "CSV file to write the members to.", Required = true };
    private static readonly Option<string> s_layout = CommonOptions.Layout();
    private static readonly Option<bool> s_excel = CommonOptions.Excel();

    public SegmentsCommand() : base("segments", "The champion's behavioural segments: profiles, and member lists from the latest snapshot.")
    {
        Options.Add(s_registry);
        var list = new Command("list", "Each segment of the champion: name, members in the latest snapshot, churn and conversion, what sets it apart.");
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            var champion = Champion(parse);
            var view = SnapshotView.Load(new ModelRegistry(parse.GetValue(s_registry)!.FullName).SnapshotsDirectory, depth: 1);
            Console.WriteLine(ListText(champion, view));
            return ExitCodes.Success;
        }));
        var export = new Command("export", "Write the members of one segment (from the latest snapshot) to CSV for a campaign tool: paying customers by churn risk, then leads by lead score, then churned customers.") { s_segment };
        export.Options.Add(s_out);
        export.Options.Add(s_layout);
        export.Options.Add(s_excel);
        export.SetAction(parse => CommandRunner.Run(() =>
        {
            var format = CommonOptions.ExportFormat(parse, s_layout, s_excel);
            var registry = new ModelRegistry(parse.GetValue(s_registry)!.FullName);
            // Only the latest snapshot: a member list needs no risk history.
            var view = SnapshotView.Load(registry.SnapshotsDirectory, depth: 1)
                ?? throw new NotReadyException("no scoring snapshot yet: run 'journeyml score' first");
            int segment = parse.GetValue(s_segment);
            var members = SegmentMemberList.Rows(view, segment);
            var output = parse.GetValue(s_out)!;
            CustomerExport.Write(output.FullName, CustomerExport.PassThroughNames(view.Latest), members.Select(r => CustomerRow.From(view, r)), format);
            Console.WriteLine($"Wrote segment {segment} ({view.Latest.SegmentNames[members[0]]}) to {output.FullName}: " +
                $"{RankedList.Count(view.Latest, members).Describe("members")}, from the snapshot of {view.Latest.AsOf:yyyy-MM-dd}");
            return ExitCodes.Success;
        }));
        Subcommands.Add(list);
        Subcommands.Add(export);
    }

    /// <summary>
    /// Each segment with its members in the latest snapshot (the size <c>segments export</c> writes and the API serves),
    /// and the training population its churn and conversion rates come from.
    /// </summary>
    internal static string ListText(ModelMetadata champion, SnapshotView? view)
    {
        var inv = CultureInfo.InvariantCulture;
        var sizes = view is null ? null : SegmentMemberList.Sizes(view, champion.Version);
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(sizes is not null
            ? $"Members: customers in each segment in the latest snapshot ({view!.Latest.AsOf:yyyy-MM-dd}), as 'segments export' writes them."
            : view is null
                ? "No scoring snapshot yet ('journeyml score'): sizes are the training population's."
                : $"The latest snapshot was scored by {view.Latest.ModelVersion}, not the champion: sizes are the training population's until 'journeyml score' runs.");
        string trained = champion.AsOf is { } asOf ? string.Create(inv, $" as of {asOf:yyyy-MM-dd}") : "";
        foreach (var p in champion.Segmentation.Profiles)
        {
            string members = sizes is null ? "" : (sizes.TryGetValue(p.SegmentId, out var counts) ? counts : new ListCounts(0, 0, 0)).Describe("members") + "; ";
            sb.AppendLine(string.Format(inv, "{0,2} {1}  ({2}{3:N0} when trained{4}, {5:0%}){6}{7}", p.SegmentId, p.Name, members, p.Size, trained, p.Share,
                p.ChurnRate is { } c ? $"  churn {c:0%}" : "", p.ConversionRate is { } v ? $"  conversion {v:0%}" : ""));
            sb.AppendLine($"   {p.Description}");
        }
        return sb.ToString().TrimEnd();
    }

    private static ModelMetadata Champion(ParseResult parse)
    {
        var registry = new ModelRegistry(parse.GetValue(s_registry)!.FullName);
        var pointer = registry.Champion() ?? throw new NotReadyException($"no champion model in {registry.Root}: train one first");
        return registry.Find(pointer.Version) ?? throw new NotFoundException("model version", $"champion {pointer.Version} is missing from {registry.Root}");
    }

}
