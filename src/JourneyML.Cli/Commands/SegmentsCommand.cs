using System.CommandLine;
using System.Globalization;
using System.Text;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;
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
            var latest = Snapshot.List(registry.SnapshotsDirectory).LastOrDefault()
                ?? throw new NotReadyException("no scoring snapshot yet: run 'journeyml score' first");
            var snapshot = Snapshot.Read(latest);
            int segment = parse.GetValue(s_segment);
            var rows = Enumerable.Range(0, snapshot.Count).Where(r => snapshot.SegmentIds[r] == segment).ToList();
            if (rows.Count == 0)
            {
                throw new NotFoundException("segment", $"segment {segment} has no members in the latest snapshot (segments there: {string.Join(", ", snapshot.SegmentIds.Distinct().Order())})");
            }
            var output = parse.GetValue(s_out)!;
            var sb = new StringBuilder("customer_id,account_id,status,segment_id,segment_name,churn_risk,lead_score\n");
            foreach (int r in rows)
            {
                sb.Append(Csv.Escape(snapshot.CustomerIds[r])).Append(',').Append(Csv.Escape(snapshot.AccountIds[r] ?? "")).Append(',')
                    .Append(snapshot.Status[r]).Append(',').Append(segment).Append(',').Append(Csv.Escape(snapshot.SegmentNames[r])).Append(',')
                    .Append(F(snapshot.ChurnRisk[r])).Append(',').Append(F(snapshot.LeadScore[r])).Append('\n');
            }
            File.WriteAllText(output.FullName, sb.ToString());
            Console.WriteLine($"Wrote {rows.Count:N0} members of segment {segment} ({snapshot.SegmentNames[rows[0]]}) to {output.FullName}");
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

    private static string F(float v) => float.IsNaN(v) ? "" : v.ToString("0.####", CultureInfo.InvariantCulture);
}
