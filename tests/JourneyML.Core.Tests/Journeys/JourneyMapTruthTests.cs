using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.Core.Stages;
using JourneyML.Core.Tests.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>
/// One truth: the journey map and the snapshot say the same about the same date and model. The stages are the built-in
/// ones, which have exit conditions (an SQL kept by engagement, At-risk for at least 28 days): there the as-of date alone
/// does not decide a stage, so the snapshot must read it off the same timeline the map draws.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class JourneyMapTruthTests(TrainedModels trained) : IDisposable
{
    private readonly List<string> _registries = [];

    public void Dispose() => _registries.ForEach(TempFolder.TryDelete);

    [Fact]
    public void At_the_canonical_weekly_step_the_maps_stage_counts_now_are_the_snapshots()
    {
        var (asOf, snapshot, map) = ScoreAndMap(StageNow.CanonicalStepDays);

        Assert.Equal(asOf, snapshot.AsOf.Date);
        Assert.Equal(asOf, map.To);
        var counts = Counts(snapshot);
        foreach (var stage in map.Stages)
        {
            Assert.True(counts.GetValueOrDefault(stage.Stage) == stage.CustomersNow,
                $"{stage.Stage}: the map says {stage.CustomersNow:N0} now, the snapshot for the same date and model {counts.GetValueOrDefault(stage.Stage):N0}");
        }
        Assert.Equal(snapshot.Count, map.Kpis.Customers);
        Assert.DoesNotContain(map.Notes, n => n.StartsWith("stages now:", StringComparison.Ordinal));
    }

    /// <summary>
    /// A 14-day map walks other dates, and with exit conditions the walk decides where a customer is now: its counts are
    /// its own, and the map says they may differ from the snapshot's instead of passing them off as the same.
    /// </summary>
    [Fact]
    public void A_map_at_another_step_ends_on_the_as_of_date_and_says_its_stages_now_may_differ_from_the_snapshots()
    {
        var (asOf, snapshot, map) = ScoreAndMap(14);

        Assert.Equal(asOf, map.To);
        Assert.Equal(snapshot.Count, map.Kpis.Customers);
        var note = Assert.Single(map.Notes, n => n.StartsWith("stages now:", StringComparison.Ordinal));
        Assert.Contains("every 14 days", note, StringComparison.Ordinal);
        Assert.Contains("canonical weekly step", note, StringComparison.Ordinal);
    }

    [Fact]
    public void The_snapshot_says_how_long_each_customer_has_been_in_their_stage_and_keeps_it_on_disk()
    {
        var (_, snapshot, _) = ScoreAndMap(StageNow.CanonicalStepDays, withMap: false);

        Assert.NotNull(snapshot.StageDays);
        Assert.All(snapshot.StageDays!, d => Assert.True(d >= 0 && d % StageNow.CanonicalStepDays == 0, $"{d} days in a stage"));
        // At-risk holds a customer for at least 28 days: some of them are there although their risk is under the cut now.
        var atRisk = Enumerable.Range(0, snapshot.Count).Where(r => snapshot.Stage[r] == "At-risk").ToList();
        Assert.NotEmpty(atRisk);
        Assert.Contains(atRisk, r => snapshot.StageDays![r] > 0);
    }

    /// <summary>
    /// A live prediction for a customer in the latest snapshot holds them by the same exit conditions: someone At-risk for
    /// less than its 28 days stays At-risk although their features alone (a what-if, an unknown customer) say otherwise.
    /// </summary>
    [Fact]
    public void A_live_prediction_holds_a_customer_in_the_snapshots_stage_by_its_exit_conditions()
    {
        var (_, snapshot, _) = ScoreAndMap(StageNow.CanonicalStepDays, withMap: false, out var registry);
        var view = SnapshotView.Load(Path.Combine(registry, "snapshots"))!;
        var models = new ModelRegistry(registry).LoadChampion()!;
        var predictor = new CustomerPredictor(models, StageModel.ForRegistry(registry, new StageSignals([.. models.Metadata.Features.Select(f => f.Name)]).WithModel(models.Metadata)));
        var table = FeatureRun.Run(new FeatureRunOptions { DataDirectory = trained.DataDirectory, AsOf = snapshot.AsOf }, NullLogger.Instance).Table;
        var rows = Enumerable.Range(0, table.RowCount).Where(r => view.TryFind(table.CustomerIds[r], out int s) && view.Latest.Stage[s] == "At-risk").ToArray();
        var atRisk = new FeatureTable([.. rows.Select(r => table.CustomerIds[r])], [.. table.Columns.Select(c => c.Rows(rows))])
        {
            Status = [.. rows.Select(r => table.Status![r])],
            AsOf = snapshot.AsOf,
        };

        var byEntryRules = predictor.Predict(atRisk);
        var held = predictor.Predict(atRisk, current: [.. atRisk.CustomerIds.Select(id => view.PositionOf(id, snapshot.AsOf))]);

        Assert.Contains(byEntryRules, p => p.Stage != "At-risk");
        Assert.All(held, p => Assert.Equal("At-risk", p.Stage));
        // A date before the snapshot's is not one it knows a stage for: the entry rules decide.
        Assert.Null(view.PositionOf(atRisk.CustomerIds[0], snapshot.AsOf.AddDays(-1)));
        Assert.Null(view.PositionOf("nobody-of-this-export", snapshot.AsOf));
    }

    private (DateTime AsOf, Snapshot Snapshot, Core.Journeys.JourneyMap Map) ScoreAndMap(int stepDays, bool withMap = true) =>
        ScoreAndMap(stepDays, withMap, out _);

    private (DateTime AsOf, Snapshot Snapshot, Core.Journeys.JourneyMap Map) ScoreAndMap(int stepDays, bool withMap, out string registryOut)
    {
        var registry = TempFolder.Create("truth");
        _registries.Add(registry);
        registryOut = registry;
        foreach (var file in Directory.EnumerateFiles(trained.RegistryPath, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(registry, Path.GetRelativePath(trained.RegistryPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(registry, StageModel.DefaultFileName), StageModel.DefaultJson);
        var asOf = Dataset.Open(trained.DataDirectory, new ValidationReport()).DataAsOf.Date;
        var scored = ScoringRun.Run(new ScoringOptions
        {
            Features = new FeatureRunOptions { DataDirectory = trained.DataDirectory },
            RegistryPath = registry,
        }, NullLogger.Instance);
        var written = Snapshot.Read(scored.SnapshotPath, withFeatures: false);
        var map = withMap ? JourneyRun.Run(new JourneyOptions { DataDirectory = trained.DataDirectory, RegistryPath = registry, StepDays = stepDays }, NullLogger.Instance).Map : null!;
        return (asOf, written, map);
    }

    private static Dictionary<string, int> Counts(Snapshot snapshot) =>
        snapshot.Stage.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
