using JourneyML.Core.Data;
using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Tests.Benchmarks;

/// <summary>The milestone directly-follows graph against pm4js on the same log: the same counts, edge by edge.</summary>
public sealed class DfgPeerTests : IDisposable
{
    private readonly string _work = TempFolder.Create("dfg-peer");

    public void Dispose() => TempFolder.TryDelete(_work);

    [Theory]
    [InlineData(GeneratorWorld.Small, 300)]
    [InlineData(GeneratorWorld.Subscription, 400)]
    public void The_milestone_graph_has_the_counts_pm4js_discovers_on_the_same_log(GeneratorWorld world, int customers)
    {
        var data = Path.Combine(_work, "data");
        new SampleGenerator(new GeneratorOptions { World = world, Customers = customers, Seed = 8 }).Generate(data);
        var asOf = Dataset.Open(data, new ValidationReport()).DataAsOf.Date;
        DfgComparison comparison;
        try
        {
            comparison = DfgPeer.Compare(data, asOf.AddDays(-180), asOf, Path.Combine(_work, "work"));
        }
        catch (InvalidOperationException e) when (e.Message.Contains("npm", StringComparison.Ordinal) && !NpmReachable())
        {
            // Only an unreachable npm skips the comparison (the CI machine has npm and the registry); anything else fails.
            Console.WriteLine($"SKIPPED: npm cannot install pm4js here, so the directly-follows graph was not compared with it: {e.Message}");
            return;
        }

        Assert.True(comparison.Differences.Count == 0, string.Join("\n", comparison.Differences));
        var graph = comparison.JourneyMl;
        Assert.True(graph.Edges.Count >= 5, $"a real graph: {graph.Edges.Count} edges");
        Assert.Equal(graph.Events, comparison.Peer.Events);
        Assert.Equal(graph.Edges.Sum(e => e.Count), comparison.Peer.Edges.Values.Sum());
        // Every customer's first milestone starts the graph once, and every milestone but the last leads to one edge.
        Assert.Equal(graph.Customers, graph.Start.Values.Sum());
        Assert.Equal(graph.Events - graph.Customers, graph.Edges.Sum(e => e.Count));
        Assert.Contains(graph.Activities, a => a.Name == "purchase");
    }

    private static bool NpmReachable()
    {
        try
        {
            var run = Processes.Run("npm", ["ping"]);
            return run.Finished("npm ping").ExitCode == 0;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
