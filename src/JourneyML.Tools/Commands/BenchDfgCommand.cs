using System.CommandLine;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench dfg</c>: the milestone directly-follows graph against pm4js on the same log: identical counts, both times.</summary>
internal sealed class BenchDfgCommand : Command
{
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data (about 140 events each).", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<int> s_days = new("--days") { Description = "Days of the window, ending at the data's as-of date (the journey map's default is 180).", DefaultValueFactory = _ => 180 };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchDfgCommand() : base("dfg", "The journey map's milestone directly-follows graph against pm4js (npm ci in tests/JourneyML.Benchmarks/peers) on the same milestone log: checks identical edge, start, end and variant counts and reports both times.")
    {
        Options.Add(s_customers);
        Options.Add(s_days);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = await BenchCommand.EnsureData(customers, cancellationToken);
            var asOf = Core.Data.Dataset.Open(data, new Core.Data.ValidationReport()).DataAsOf.Date;
            var work = CommonOptions.Repo("out", "bench", $"dfg-{customers}");
            var c = DfgPeer.Compare(data, asOf.AddDays(-parse.GetValue(s_days)), asOf, work);
            foreach (var difference in c.Differences.Take(20))
            {
                Console.Error.WriteLine("differs: " + difference);
            }
            var inv = CultureInfo.InvariantCulture;
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | milestone directly-follows graph + variants, {1} days ({2:N0} customers, {3:N0} milestone events, {4:N0} edges, {5:N0} variants) | JourneyML {6:F2} s (events read and grouped {7:F2} s) | pm4js {8} {9:F2} s (log import {10:F2} s) | counts {11} | {12:N0} MB pm4js | {13} |",
                DateTime.UtcNow, parse.GetValue(s_days), c.JourneyMl.Customers, c.JourneyMl.Events, c.JourneyMl.Edges.Count, c.JourneyMl.VariantCount,
                c.JourneyMlDiscoverSeconds, c.JourneyMlReadSeconds, c.Peer.Pm4js, c.Peer.DiscoverSeconds, c.Peer.ImportSeconds,
                c.Differences.Count == 0 ? "identical" : $"{c.Differences.Count} differ", c.Peer.PeakMb, BenchCommand.Machine());
            await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            return c.Differences.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
    }
}
