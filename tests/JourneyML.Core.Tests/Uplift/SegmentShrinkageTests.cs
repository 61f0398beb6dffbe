using JourneyML.Core.Uplift;
using JourneyML.SampleData;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Uplift;

public sealed class SegmentShrinkageTests(ITestOutputHelper output)
{
    [Fact]
    public void A_noisy_segment_is_pulled_to_the_kinds_effect_and_a_precise_one_keeps_its_own()
    {
        // Four precise segments near +0.05, one of a few customers reading +0.49 with a wide standard error.
        SegmentEstimate[] segments = [new(0.04, 0.01), new(0.06, 0.01), new(0.05, 0.012), new(0.045, 0.01), new(0.49, 0.25)];
        var shrunk = SegmentShrinkage.Shrink(segments);
        Assert.InRange(shrunk[4].Effect, 0.0, 0.12);
        Assert.True(shrunk[4].OwnWeight < 0.1, $"the noisy segment kept {shrunk[4].OwnWeight:F3} of its own estimate");
        Assert.True(shrunk[4].Interval.Low <= 0.05 && shrunk[4].Interval.High > shrunk[4].Effect);
        // The precise segments differ by little more than their noise: they move toward each other, not past the mean.
        Assert.InRange(shrunk[0].Effect, 0.04, 0.05);
        Assert.InRange(shrunk[1].Effect, 0.05, 0.06);
    }

    [Fact]
    public void Segments_that_really_differ_keep_their_own_estimates()
    {
        SegmentEstimate[] segments = [new(0.0, 0.01), new(0.2, 0.01), new(0.1, 0.01), new(0.3, 0.01)];
        var shrunk = SegmentShrinkage.Shrink(segments);
        for (int i = 0; i < segments.Length; i++)
        {
            Assert.Equal(segments[i].Mean, shrunk[i].Effect, 2);
            Assert.True(shrunk[i].OwnWeight > 0.95);
        }
    }

    [Fact]
    public void With_fewer_than_three_segments_nothing_is_shrunk()
    {
        SegmentEstimate[] segments = [new(0.0, 0.05), new(0.4, 0.2)];
        var shrunk = SegmentShrinkage.Shrink(segments);
        Assert.Equal([0.0, 0.4], shrunk.Select(s => s.Effect));
        Assert.All(shrunk, s => Assert.Equal(1, s.OwnWeight));
    }

    /// <summary>
    /// Over several generated worlds of a few thousand contacts, the per-segment effects (planted segments standing in for
    /// the run's behaviour segments) against the planted effect of each segment: shrinking lowers the error, and the
    /// shrunken intervals still cover the planted effects about as often as 95% intervals should.
    /// </summary>
    [Fact]
    public void Shrunken_segment_effects_are_closer_to_the_planted_ones_and_their_intervals_still_cover()
    {
        double ownError = 0, shrunkError = 0;
        int segments = 0, covered = 0, ownCovered = 0;
        foreach (var (customers, seed) in new[] { (2000, 3), (3000, 5), (3000, 21), (4000, 11) })
        {
            using var world = new PlantedInterventionWorld(new GeneratorOptions { Customers = customers, Seed = seed, Interventions = true });
            foreach (var kind in world.Result.Kinds)
            {
                foreach (var s in kind.Segments.Where(s => s.Effect is not null))
                {
                    double planted = world.PlantedEffect(kind.Kind, s.Segment);
                    ownError += Sq(s.Unshrunken!.Value - planted);
                    shrunkError += Sq(s.Effect!.Value - planted);
                    segments++;
                    covered += s.Interval!.Low <= planted && planted <= s.Interval.High ? 1 : 0;
                    ownCovered += s.UnshrunkenInterval!.Low <= planted && planted <= s.UnshrunkenInterval.High ? 1 : 0;
                    output.WriteLine($"{customers} seed {seed} {kind.Kind} {s.Segment}: planted {planted:+0.000;-0.000}, own {s.Unshrunken:+0.000;-0.000}, "
                        + $"shrunk {s.Effect:+0.000;-0.000} ({s.Interval.Low:+0.000;-0.000} to {s.Interval.High:+0.000;-0.000}), weight {s.OwnWeight:F2}");
                }
            }
        }
        output.WriteLine($"{segments} segment effects: RMSE own {Math.Sqrt(ownError / segments):F4}, shrunk {Math.Sqrt(shrunkError / segments):F4}; "
            + $"coverage own {ownCovered}/{segments}, shrunk {covered}/{segments}");
        Assert.True(segments >= 20, $"only {segments} segment effects measured");
        Assert.True(shrunkError < ownError, $"RMSE shrunk {Math.Sqrt(shrunkError / segments):F4} against own {Math.Sqrt(ownError / segments):F4}");
        Assert.True(covered >= 0.85 * segments, $"the shrunken intervals cover {covered} of {segments} planted effects");
    }

    private static double Sq(double x) => x * x;
}
