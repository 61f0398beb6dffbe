using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Tests.Benchmarks;

/// <summary><c>bench coverage</c> on two tiny runs: each run's interval, both truths, and the coverage count.</summary>
public sealed class CoverageBenchTests : IDisposable
{
    private readonly string _work = TempFolder.Create("bench-coverage");

    public void Dispose() => TempFolder.TryDelete(_work);

    [Fact]
    public void Each_run_states_its_interval_against_the_oracle_and_fresh_customers_and_the_summary_counts_coverage()
    {
        var printed = new List<string>();
        var runs = CoverageBench.Run(new CoverageBenchOptions
        {
            World = GeneratorWorld.B2bSaas,
            Runs = 2,
            Customers = 600,
            FreshMultiple = 2,
            Seed = 4,
            WorkDirectory = _work,
        }, NullLogger.Instance, printed.Add, CancellationToken.None);

        var churn = runs.Where(r => r.Task == "churn").ToList();
        Assert.Equal([4, 5], churn.Select(r => r.Seed));
        Assert.All(churn, r =>
        {
            Assert.InRange(r.HoldoutAuc, r.Interval.Low, r.Interval.High);
            Assert.InRange(r.OracleAuc, 0.6, 1.0);
            Assert.InRange(r.FreshAuc, 0.55, 1.0);
        });
        Assert.Equal(runs.Count, printed.Count);
        var summary = CoverageBench.Summary(runs).First(l => l.StartsWith("churn:", StringComparison.Ordinal));
        Assert.Contains($"in {churn.Count(r => r.CoversOracle)} of 2 runs", summary);
        Assert.Contains($"fresh population in {churn.Count(r => r.CoversFresh)} of 2", summary);
        // The generated folders are removed as each run ends.
        Assert.Empty(Directory.GetDirectories(_work));
    }
}
