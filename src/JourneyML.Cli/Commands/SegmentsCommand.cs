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

    public SegmentsCommand() : base("segments", "The champion's behavioural segments: profiles, and member lists from the latest snapshot.")
    {
        Options.Add(s_registry);
        var list = new Command("list", "Each segment of the champion: name, size, churn and conversion, what sets it apart.");
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            var champion = Champion(parse);
            var inv = CultureInfo.InvariantCulture;
            foreach (var p in champion.Segmentation.Profiles)
            {
                Console.WriteLine(string.Format(inv, "{0,2} {1}  ({2:N0} customers, {3:0%}){4}{5}", p.SegmentId, p.Name, p.Size, p.Share,
                    p.ChurnRate is { } c ? $"  churn {c:0%}" : "", p.ConversionRate is { } v ? $"  conversion {v:0%}" : ""));
                Console.WriteLine($"   {p.Description}");
            }
            return ExitCodes.Success;
        }));
        var export = new Command("export", "Write the members of one segment (from the latest snapshot) to CSV for a campaign tool.") { s_segment };
        export.Options.Add(s_out);
        export.SetAction(parse => CommandRunner.Run(() =>
        {
            var registry = new ModelRegistry(parse.GetValue(s_registry)!.FullName);
            // Only the latest snapshot: a member list needs no risk history.
            var view = SnapshotView.Load(registry.SnapshotsDirectory, depth: 1)
                ?? throw new NotReadyException("no scoring snapshot yet: run 'journeyml score' first");
            int segment = parse.GetValue(s_segment);
            var members = SegmentMemberList.Rows(view, segment);
            var output = parse.GetValue(s_out)!;
            File.WriteAllText(output.FullName, CustomerRow.ToCsv(members.Select(r => CustomerRow.From(view, r))));
            Console.WriteLine($"Wrote {members.Length:N0} members of segment {segment} ({view.Latest.SegmentNames[members[0]]}) to {output.FullName}");
            return ExitCodes.Success;
        }));
        Subcommands.Add(list);
        Subcommands.Add(export);
    }

    private static ModelMetadata Champion(ParseResult parse)
    {
        var registry = new ModelRegistry(parse.GetValue(s_registry)!.FullName);
        var pointer = registry.Champion() ?? throw new NotReadyException($"no champion model in {registry.Root}: train one first");
        return registry.Find(pointer.Version) ?? throw new NotFoundException("model version", $"champion {pointer.Version} is missing from {registry.Root}");
    }

}
