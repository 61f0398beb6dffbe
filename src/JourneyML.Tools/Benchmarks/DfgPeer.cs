using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Journeys;

namespace JourneyML.Tools.Benchmarks;

/// <summary>What pm4js found on the milestone log, and how long it took (the JSON tests/JourneyML.Benchmarks/peers/dfg-pm4js.js writes).</summary>
internal sealed record Pm4jsDfg(string Pm4js, double ImportSeconds, double DiscoverSeconds, int Cases, int Events,
    Dictionary<string, int> Edges, Dictionary<string, double> MedianSeconds, Dictionary<string, int> Start, Dictionary<string, int> End,
    int VariantCount, Dictionary<string, int> Variants, double PeakMb);

/// <summary>Both sides on the same milestone log: JourneyML's graph and times, pm4js's, and every count on which they differ.</summary>
internal sealed record DfgComparison(MilestoneGraph JourneyMl, double JourneyMlReadSeconds, double JourneyMlDiscoverSeconds, Pm4jsDfg Peer,
    IReadOnlyList<string> Differences, int LogEvents);

/// <summary>
/// The directly-follows graph against pm4js (npm, BSD-3-Clause): JourneyML builds the milestone graph of a window from
/// the grouped events and writes the same milestones as a CSV log; pm4js imports that log and discovers its graph and
/// variants in a Node process. Every edge count, start and end count and the variant counts must be identical.
/// </summary>
internal static class DfgPeer
{
    public static string PeerFolder => Cli.CommonOptions.Repo("tests", "JourneyML.Benchmarks", "peers");

    /// <summary>Installs the pinned pm4js (npm ci) when this checkout has not yet; throws with the reason when npm cannot.</summary>
    public static void EnsureInstalled()
    {
        if (File.Exists(Path.Combine(PeerFolder, "node_modules", "pm4js", "package.json")))
        {
            return;
        }
        var (code, output) = Run("npm", ["ci", "--no-audit", "--no-fund"], PeerFolder);
        if (code != 0)
        {
            throw new InvalidOperationException($"npm ci in {PeerFolder} failed (exit code {code}): {output}");
        }
    }

    public static DfgComparison Compare(string dataDirectory, DateTime from, DateTime to, string workDirectory)
    {
        EnsureInstalled();
        Directory.CreateDirectory(workDirectory);
        var watch = Stopwatch.StartNew();
        var dataset = Dataset.Open(dataDirectory, new ValidationReport());
        var events = EventTimeline.Build(dataset, withChannels: false);
        double read = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var graph = MilestoneGraph.Build(events, from, to, topVariants: int.MaxValue);
        double discover = watch.Elapsed.TotalSeconds;

        var log = Path.Combine(workDirectory, "milestones.csv");
        using (var writer = new StreamWriter(log, append: false, new System.Text.UTF8Encoding(false), 1 << 20))
        {
            MilestoneGraph.WriteLog(events, from, to, writer);
        }
        var result = Path.Combine(workDirectory, "pm4js.json");
        var (code, output) = Run("node", ["--max-old-space-size=12000", Path.Combine(PeerFolder, "dfg-pm4js.js"), log, result], PeerFolder);
        if (code != 0)
        {
            throw new InvalidOperationException($"pm4js failed on {log} (exit code {code}): {output}");
        }
        var peer = JsonSerializer.Deserialize<Pm4jsDfg>(File.ReadAllText(result), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return new DfgComparison(graph, read, discover, peer, Differences(graph, peer), graph.Events);
    }

    /// <summary>Every count on which the two graphs differ, in words; empty when they agree.</summary>
    internal static List<string> Differences(MilestoneGraph graph, Pm4jsDfg peer)
    {
        var differences = new List<string>();
        void Same(string what, IReadOnlyDictionary<string, int> ours, IReadOnlyDictionary<string, int> theirs)
        {
            foreach (var key in ours.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
            {
                int a = ours.GetValueOrDefault(key), b = theirs.GetValueOrDefault(key);
                if (a != b)
                {
                    differences.Add(string.Create(CultureInfo.InvariantCulture, $"{what} {key}: JourneyML {a:N0}, pm4js {b:N0}"));
                }
            }
        }
        if (graph.Customers != peer.Cases || graph.Events != peer.Events)
        {
            differences.Add($"cases/events: JourneyML {graph.Customers:N0}/{graph.Events:N0}, pm4js {peer.Cases:N0}/{peer.Events:N0}");
        }
        Same("edge", graph.Edges.ToDictionary(e => $"{e.From},{e.To}", e => e.Count, StringComparer.Ordinal), peer.Edges);
        Same("start", graph.Start, peer.Start);
        Same("end", graph.End, peer.End);
        if (graph.VariantCount != peer.VariantCount)
        {
            differences.Add($"variants: JourneyML {graph.VariantCount:N0}, pm4js {peer.VariantCount:N0}");
        }
        Same("variant", graph.TopVariants.ToDictionary(v => string.Join(",", v.Milestones), v => v.Customers, StringComparer.Ordinal), peer.Variants);
        // Medians are not compared: pm4js 0.0.28's calculateMedian sorts the times with array.sort() and no comparator,
        // that is as text ("10" before "9"), so its median of an edge is not the median of its times.
        return differences;
    }

    private static (int Code, string Output) Run(string program, string[] args, string directory) =>
        PeerProcess.Run(program, args, directory,
            $"the pm4js peer needs Node.js with npm (Debian: apt-get install nodejs npm) and reaches the npm registry once to install {PeerFolder}");
}
