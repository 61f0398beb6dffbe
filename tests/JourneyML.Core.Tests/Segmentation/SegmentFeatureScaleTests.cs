using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Tests.Segmentation;

public sealed class SegmentFeatureScaleTests
{
    [Fact]
    public void Log_scaled_counts_standardise_to_the_formula_bit_for_bit_tabled_or_not()
    {
        var scale = new SegmentFeatureScale("logins_30d", Log: true, Mean: 1.3, Std: 0.7);
        float[] raws = [0, 1, 2, 7, 4095, 4096, 4097, 100_000, 0.5f, 3.25f, 4095.5f, -3, 1e-7f];
        foreach (float raw in raws)
        {
            double expected = (Math.Log(1 + Math.Max(raw, 0f)) - 1.3) / 0.7;
            Assert.Equal((float)expected, scale.Standardise(raw));
        }
        Assert.Equal(0f, scale.Standardise(float.NaN));
    }
}
