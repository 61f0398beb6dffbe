using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Uplift;
using JourneyML.SampleData;

namespace JourneyML.Core.Tests.Uplift;

/// <summary>A generated B2B world with planted interventions, its features as of the reference date, and the planted truth; built once per test run.</summary>
public sealed class PlantedInterventionWorld : IDisposable
{
    public static readonly GeneratorOptions Options = new() { Customers = 6000, Seed = 8, Interventions = true };

    public PlantedInterventionWorld() : this(Options)
    {
    }

    /// <summary>Another planted world (the shrinkage tests draw several sizes and seeds).</summary>
    internal PlantedInterventionWorld(GeneratorOptions options)
    {
        Directory = TempFolder.Create("uplift-world");
        new SampleGenerator(options).Generate(Directory);
        Dataset = Dataset.Open(Directory, new ValidationReport());
        Table = BehaviourFeatures.Build(Dataset, new FeatureOptions { AsOf = options.ReferenceAsOf, HorizonDays = options.HorizonDays }).Table;
        Truth = SampleData.InterventionGeneratorTests.Csv(Path.Combine(Directory, "interventions_truth.csv")).ToDictionary(r => r["customer_id"]);
        var segments = Table.CustomerIds.Select(id => Truth[id]["segment"]).ToArray();
        Result = InterventionEffects.Estimate(Table, Dataset.Interventions!, Dataset.Customers, segments: segments);
    }

    public UpliftResult Result { get; }

    public string Directory { get; }
    public Dataset Dataset { get; }
    public FeatureTable Table { get; }

    /// <summary>interventions_truth.csv by customer id.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Truth { get; }

    public double TrueUplift(string customerId, string kind) =>
        double.Parse(Truth[customerId]["uplift_" + kind], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The planted effect of a kind in one planted segment: the mean planted uplift of the segment's customers the kind's
    /// estimate compares (its arms, or for calls everyone untouched by a campaign).
    /// </summary>
    public double PlantedEffect(string kind, string? segment = null) => Result.CustomerIds
        .Where(id => segment is null || Truth[id]["segment"] == segment)
        .Where(id => Truth[id]["kind_at_as_of"] == kind || (kind == "cs_call" && Truth[id]["kind_at_as_of"] == ""))
        .Average(id => TrueUplift(id, kind));

    public void Dispose() => TempFolder.TryDelete(Directory);
}
