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
            if (column is NumericColumn numeric)
            {
                Assert.True(numeric.Values.SequenceEqual(b.Numbers(column.Name)), $"feature {column.Name} differs");
            }
            else if (column is CategoricalColumn categorical)
            {
                Assert.Equal(categorical.Values, b.CategoriesOrNull(column.Name));
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
