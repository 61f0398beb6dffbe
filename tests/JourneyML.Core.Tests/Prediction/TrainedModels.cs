using JourneyML.Core.Pipelines;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>
/// One full training run on generated data large enough for stable quality figures (15,000 customers), into a
/// temporary registry, shared by the tests that check quality, the registry and scoring.
/// </summary>
public sealed class TrainedModels : IDisposable
{
    public TrainedModels()
    {
        Root = TempFolder.Create("trained");
        DataDirectory = Path.Combine(Root, "data");
        new SampleGenerator(new GeneratorOptions { Customers = 15_000, Seed = 21, EventsFormat = TableFormat.Parquet }).Generate(DataDirectory);
        RegistryPath = Path.Combine(Root, "models");
        Result = TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = DataDirectory, AsOf = ReferenceAsOf },
            RegistryPath = RegistryPath,
            Oracle = GroundTruth.TryLoad(DataDirectory),
        }, NullLogger.Instance);
    }

    public static DateTime ReferenceAsOf { get; } = new GeneratorOptions().ReferenceAsOf;
    public string Root { get; }
    public string DataDirectory { get; }
    public string RegistryPath { get; }
    public TrainingRunResult Result { get; }

    public void Dispose() => TempFolder.TryDelete(Root);
}

[CollectionDefinition(Name)]
public sealed class TrainedModelsCollection : ICollectionFixture<TrainedModels>
{
    public const string Name = "Trained models";
}
