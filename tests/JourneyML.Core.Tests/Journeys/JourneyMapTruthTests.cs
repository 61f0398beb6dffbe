using JourneyML.Core.Data;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Tests.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>One truth: the journey map and the snapshot say the same about the same date and model.</summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class JourneyMapTruthTests(TrainedModels trained) : IDisposable
{
    private readonly string _registry = TempFolder.Create("truth");

    public void Dispose() => TempFolder.TryDelete(_registry);

    [Theory]
    [InlineData(14)]
    [InlineData(7)]
    public void The_maps_last_date_is_the_as_of_date_and_its_stage_counts_are_the_snapshots(int stepDays)
    {
        var registry = _registry;
        foreach (var file in Directory.EnumerateFiles(trained.RegistryPath, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(registry, Path.GetRelativePath(trained.RegistryPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var asOf = Dataset.Open(trained.DataDirectory, new ValidationReport()).DataAsOf.Date;
        var scored = ScoringRun.Run(new ScoringOptions
        {
            Features = new FeatureRunOptions { DataDirectory = trained.DataDirectory },
            RegistryPath = registry,
        }, NullLogger.Instance);
        var map = JourneyRun.Run(new JourneyOptions { DataDirectory = trained.DataDirectory, RegistryPath = registry, StepDays = stepDays }, NullLogger.Instance).Map;

        Assert.Equal(asOf, scored.Snapshot.AsOf.Date);
        Assert.Equal(asOf, map.To);
        var snapshot = scored.Snapshot.Stage.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var stage in map.Stages)
        {
            Assert.True(snapshot.GetValueOrDefault(stage.Stage) == stage.CustomersNow,
                $"{stage.Stage}: the map says {stage.CustomersNow:N0} now, the snapshot for the same date and model {snapshot.GetValueOrDefault(stage.Stage):N0} (step {stepDays} days)");
        }
        Assert.Equal(scored.Snapshot.Count, map.Kpis.Customers);
    }
}
