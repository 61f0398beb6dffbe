using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;
using JourneyML.Tools.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Tests.Benchmarks;

/// <summary><c>bench worlds</c> on a tiny configuration: it runs the pipeline on each world and measures against the planted truth.</summary>
public sealed class WorldBenchTests : IDisposable
{
    private readonly string _work = TempFolder.Create("bench-worlds");

    public void Dispose() => TempFolder.TryDelete(_work);

    private WorldBenchOptions Options(params GeneratorWorld[] worlds) => new()
    {
        Worlds = worlds,
        Customers = 800,
        Seed = 3,
        SingleTrainer = true,
        Resamples = 200,
        WorkDirectory = _work,
    };

    [Fact]
    public void B2b_world_churn_model_approaches_its_own_oracle_measured_on_the_same_holdout()
    {
        var measurement = Assert.Single(WorldBench.Run(Options(GeneratorWorld.B2bSaas) with { Customers = 1000 }, NullLogger.Instance, _ => { }, CancellationToken.None));
        var churn = measurement.Tasks.Single(t => t.Task == "churn");
        Assert.Null(churn.NoModel);
        // Behaviour carries this world's truth, and the product's features see behaviour: the model comes near the oracle (a loose bound).
        Assert.True(churn.Auc > 0.6 && churn.Auc >= churn.OracleAuc - 0.2, $"model {churn.Auc:F3}, oracle {churn.OracleAuc:F3}");
        Assert.True(churn.GapInterval!.Value.Low <= churn.OracleAuc - churn.Auc && churn.OracleAuc - churn.Auc <= churn.GapInterval.Value.High);
        Assert.Contains(measurement.Checks, c => c is { Name: "churn model recovers the planted truth" });
        Assert.Empty(GroundTruth.PlantedDrivers(Path.Combine(_work, "b2b-saas", "data")));
    }

    [Fact]
    public void Retail_world_runs_end_to_end_with_its_lapse_as_churn_and_its_at_risk_list_measured()
    {
        var measurement = Assert.Single(WorldBench.Run(Options(GeneratorWorld.Retail), NullLogger.Instance, _ => { }, CancellationToken.None));

        Assert.Equal(0, measurement.Accounts);
        Assert.Contains(measurement.Checks, c => c is { Name: "the export validates", Passed: true });
        // A repeat buyer's first order may predate the export: the tenure check reads converted_at from the outcomes table.
        Assert.Contains(measurement.Checks, c => c.Passed && c.Name.StartsWith("days_as_customer counts from the first purchase", StringComparison.Ordinal));
        // The lapse is the churn: buyers who stopped ordering are found (recency tells more than the planted prior, so no upper bound).
        var churn = measurement.Tasks.Single(t => t.Task == "churn");
        Assert.Null(churn.NoModel);
        Assert.True(churn.AucInterval!.Value.Low > 0.5, $"churn AUC {churn.Auc:F3} [{churn.AucInterval.Value.Low:F3}, {churn.AucInterval.Value.High:F3}]");
        Assert.NotNull(measurement.AtRisk);
        Assert.Contains(measurement.Checks, c => c.Name.StartsWith("the At-risk list's precision", StringComparison.Ordinal));
        Assert.NotNull(measurement.Backtest);
    }

    [Fact]
    public void Subscription_world_runs_end_to_end_and_its_planted_truth_is_measured()
    {
        var lines = new List<string>();
        var measurement = Assert.Single(WorldBench.Run(Options(GeneratorWorld.Subscription), NullLogger.Instance, lines.Add, CancellationToken.None));

        Assert.Equal(800, measurement.Customers);
        Assert.Equal(0, measurement.Accounts);
        Assert.Contains(measurement.Checks, c => c is { Name: "the export validates", Passed: true });
        var churn = measurement.Tasks.Single(t => t.Task == "churn");
        Assert.Null(churn.NoModel);
        // The planted truth separates this world's churners (the oracle on the model's holdout); how near the model comes is
        // what the measurement reports (today the planted attribute and value signals are no features, so it stays well below).
        Assert.InRange(churn.OracleAuc!.Value, 0.65, 1.0);
        Assert.True(churn.AucInterval!.Value.Low <= churn.Auc && churn.Auc <= churn.AucInterval.Value.High);
        Assert.Contains(measurement.Checks, c => c.Name == "churn model recovers the planted truth");

        // One check per planted driver; the single-contact and no-lead-funnel checks apply to this world.
        foreach (var driver in GroundTruth.PlantedDrivers(Path.Combine(_work, "subscription", "data")))
        {
            Assert.Contains(measurement.Checks, c => c.Name == $"planted {driver.Task} driver {driver.Describe()} is among the top 10");
        }
        Assert.Contains(measurement.Checks, c => c.Name.StartsWith("no account roll-up", StringComparison.Ordinal));
        Assert.Contains(measurement.Checks, c => c.Name.StartsWith("no lead-funnel stage", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("== world subscription: 800 customers, no accounts", StringComparison.Ordinal));
        // The At-risk list at the as-of date against the planted churned_in_horizon: its size, precision and recall, and a check.
        var atRisk = measurement.AtRisk!;
        Assert.Equal(churn.Positives + churn.Negatives, atRisk.All.Customers);
        Assert.Equal(churn.HoldoutRows, atRisk.Holdout.Customers);
        Assert.InRange(atRisk.All.Listed, 1, atRisk.All.Customers - 1);
        Assert.InRange(atRisk.Holdout.ListedChurners, 0, Math.Min(atRisk.Holdout.Listed, atRisk.Holdout.Churners));
        Assert.Contains(lines, l => l.StartsWith("  At-risk list at the as-of date (churn risk >= ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"    holdout customers only: {atRisk.Holdout.Listed:N0} of {atRisk.Holdout.Customers:N0} paying customers listed", StringComparison.Ordinal));
        Assert.Contains(measurement.Checks, c => c.Name == "the At-risk list's precision is above the base rate beyond noise");
        Assert.Contains(lines, l => l.Contains("PASS  the export validates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Small_world_runs_and_its_block_replaces_the_previous_one_in_the_results_file()
    {
        var measurements = WorldBench.Run(Options(GeneratorWorld.Small) with { Customers = null }, NullLogger.Instance, _ => { }, CancellationToken.None);
        var small = Assert.Single(measurements);
        Assert.Equal(300, small.Customers);
        Assert.True(small.Accounts > 0);
        // The premises decide which checks apply: this world has accounts and a lead funnel.
        Assert.DoesNotContain(small.Checks, c => c.Name.StartsWith("no account roll-up", StringComparison.Ordinal));
        Assert.DoesNotContain(small.Checks, c => c.Name.StartsWith("no lead-funnel stage", StringComparison.Ordinal));
        Assert.Contains(small.Checks, c => c.Name.StartsWith("days_as_customer counts", StringComparison.Ordinal));

        var results = new FileInfo(Path.Combine(_work, "RESULTS.md"));
        await File.WriteAllTextAsync(results.FullName, "# Benchmark results\n\n## Worlds (`bench worlds`)\n\n<!-- bench worlds: begin -->\nold\n<!-- bench worlds: end -->\n\n## Run log\n\n| date |\n|---|\n");
        await BenchWorldsCommand.WriteResults(results, measurements, Options(GeneratorWorld.Small), TimeSpan.FromSeconds(1), CancellationToken.None);
        var text = await File.ReadAllTextAsync(results.FullName);
        Assert.DoesNotContain("\nold\n", text);
        Assert.Contains("| small | 300 |", text);
        Assert.True(text.IndexOf("## Run log", StringComparison.Ordinal) > text.IndexOf("<!-- bench worlds: end -->", StringComparison.Ordinal));
        Assert.StartsWith("| ", text.TrimEnd().Split('\n')[^1]);
        Assert.Contains("bench worlds", text.TrimEnd().Split('\n')[^1]);
    }

    [Theory]
    [InlineData("Falling logins, high logins", true)]
    [InlineData("Many tickets, few tickets", true)]
    [InlineData("Falling logins, regular logins", false)]
    [InlineData("Rarely active, low logins", false)]
    [InlineData("Pricing-page visitors, heavy content readers", false)]
    public void A_segment_name_contradicts_itself_when_one_signal_goes_both_ways(string name, bool contradicts) =>
        Assert.Equal(contradicts, SegmentNames.Contradicts(name));

    [Fact]
    public void The_at_risk_check_passes_only_when_holdout_precision_clears_the_base_rate_beyond_noise()
    {
        // 200 paying customers, 40 churn (20%). 30 listed with 15 churners: 50% (Wilson 33–67%), above 20% beyond noise.
        var clear = new AtRiskList("twice-base-rate", 0.4, new AtRiskCount(1000, 150, 75, 200), new AtRiskCount(200, 30, 15, 40));
        Assert.True(clear.Check().Passed, clear.Check().Detail);
        Assert.Contains("15 of 30", clear.Check().Detail);
        // 10 listed with 3 churners: 30%, but Wilson's interval (11–60%) reaches down past the 20% base rate.
        var noisy = clear with { Holdout = new AtRiskCount(200, 10, 3, 40) };
        Assert.False(noisy.Check().Passed, noisy.Check().Detail);
        var empty = clear with { Holdout = new AtRiskCount(200, 0, 0, 40) };
        Assert.False(empty.Check().Passed);
        Assert.StartsWith("nobody on the holdout is At-risk", empty.Check().Detail);
    }
}
