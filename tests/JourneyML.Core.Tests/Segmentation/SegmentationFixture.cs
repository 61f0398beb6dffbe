using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using JourneyML.Core.Tests.SampleData;

namespace JourneyML.Core.Tests.Segmentation;

/// <summary>The committed sample's features and its segmentation, built once for the segmentation tests.</summary>
public sealed class SegmentationFixture
{
    public static readonly DateTime AsOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly Lazy<(FeatureTable Table, int[] Planted, string[] PlantedNames)> _sample = new(() => Load(Samples.Sample));
    private readonly Lazy<SegmentationResult> _result;

    public SegmentationFixture()
    {
        _result = new(() => BehaviourSegmentation.Train(Sample.Table, new SegmentationOptions()));
    }

    public (FeatureTable Table, int[] Planted, string[] PlantedNames) Sample => _sample.Value;

    public SegmentationResult Result => _result.Value;

    /// <summary>Features as of the reference date and the planted segment of each row, from an export folder with ground_truth.csv.</summary>
    public static (FeatureTable Table, int[] Planted, string[] PlantedNames) Load(string directory)
    {
        var dataset = Dataset.Open(directory, new ValidationReport());
        var (table, _) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = AsOf });
        var truth = TableFiles.ReadCsv(Path.Combine(directory, "ground_truth.csv")).ToDictionary(r => r["customer_id"]);
        var planted = table.CustomerIds.Select(id => int.Parse(truth[id]["segment_id"], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var names = table.CustomerIds.Select(id => truth[id]["segment"]).ToArray();
        return (table, planted, names);
    }
}

[CollectionDefinition(Name)]
public sealed class SegmentationCollection : ICollectionFixture<SegmentationFixture>, ICollectionFixture<GeneratedSamples>
{
    public const string Name = "Segmentation";
}
