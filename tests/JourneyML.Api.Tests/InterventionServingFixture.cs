using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Api.Tests;

/// <summary>
/// A registry trained on a generated world with planted interventions (CS calls aimed at the riskiest, a randomised
/// discount and email campaign), its champion scored once: what the uplift answers read.
/// </summary>
public sealed class InterventionServingFixture : IDisposable
{
    public static readonly GeneratorOptions Options = new() { Customers = 3000, Seed = 8, Interventions = true };

    public InterventionServingFixture()
    {
        Root = TempFolder.Create("api-uplift");
        RegistryPath = Path.Combine(Root, "models");
        DataDirectory = Path.Combine(Root, "data");
        new SampleGenerator(Options).Generate(DataDirectory);
        TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = DataDirectory, AsOf = Options.ReferenceAsOf },
            RegistryPath = RegistryPath,
            Candidates = [CandidateSpec.Default],
            Force = true,
        }, NullLogger.Instance);
        ScoringRun.Run(new ScoringOptions
        {
            Features = new FeatureRunOptions { DataDirectory = DataDirectory, AsOf = Options.ReferenceAsOf },
            RegistryPath = RegistryPath,
        }, NullLogger.Instance);
        Latest = Snapshot.Read(Snapshot.List(Path.Combine(RegistryPath, "snapshots"))[^1]);
    }

    public string Root { get; }
    public string RegistryPath { get; }
    public string DataDirectory { get; }
    public Snapshot Latest { get; }

    public JourneyApi Api() => new(RegistryPath, DataDirectory, null);

    public void Dispose() => TempFolder.TryDelete(Root);
}
