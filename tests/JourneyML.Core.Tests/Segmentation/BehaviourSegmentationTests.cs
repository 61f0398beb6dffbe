using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Segmentation;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Segmentation;

[Collection(SegmentationCollection.Name)]
public sealed class BehaviourSegmentationTests(SegmentationFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Automatic_k_recovers_the_planted_segments_of_the_sample()
    {
        var result = fixture.Result;
        double ari = ClusterAgreement.AdjustedRandIndex(result.Assignments, fixture.Sample.Planted);
        foreach (var c in result.Candidates)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"k={c.K,2} silhouette={c.Silhouette:F4} inertia={c.Inertia:F0} calinski-harabasz={c.CalinskiHarabasz:F1} gap={c.Gap:F4}±{c.GapError:F4}"));
        }
        output.WriteLine($"chosen k={result.ChosenK}: {result.ChoiceReason}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"adjusted Rand index {ari:F3}"));
        foreach (var p in result.Profiles)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.SegmentId} {p.Name} ({p.Size}, {p.Share:P0}): {p.Description} [{string.Join(", ", p.DistinguishingFeatures)}]"));
        }
        Assert.True(ari >= 0.8, $"adjusted Rand index {ari:F3} with k={result.ChosenK}");
        Assert.InRange(result.ChosenK, 6, 8);
    }
}
