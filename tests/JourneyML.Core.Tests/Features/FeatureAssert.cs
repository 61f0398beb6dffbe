using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Features;

internal static class FeatureAssert
{
    /// <summary>Same customers, statuses and feature values (NaN equals NaN), and the same labels when asked.</summary>
    public static void SameFeatures(FeatureTable a, FeatureTable b, bool labels)
    {
        Assert.Equal(a.CustomerIds, b.CustomerIds);
        Assert.Equal(a.Status, b.Status);
        foreach (var column in a.Columns)
        {
            if (column.Kind == FeatureKind.Numeric)
            {
                Assert.True(column.Numbers!.SequenceEqual(b[column.Name].Numbers!), $"feature {column.Name} differs");
            }
            else
            {
                Assert.Equal(column.Categories, b[column.Name].Categories);
            }
        }
        if (labels)
        {
            foreach (var (name, values) in a.Labels)
            {
                Assert.True(values.SequenceEqual(b.Labels[name]), $"label {name} differs");
            }
        }
    }
}
