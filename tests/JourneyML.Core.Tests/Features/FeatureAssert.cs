using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Features;

internal static class FeatureAssert
{
    /// <summary>Same customers, statuses and feature values (NaN equals NaN), and the same labels when asked.</summary>
    /// <param name="renamed">Features of <paramref name="a"/> that <paramref name="b"/> holds under another name (a customer column spelled by another export).</param>
    public static void SameFeatures(FeatureTable a, FeatureTable b, bool labels, IReadOnlyDictionary<string, string>? renamed = null)
    {
        Assert.Equal(a.CustomerIds, b.CustomerIds);
        Assert.Equal(a.Status, b.Status);
        Assert.Equal(a.Columns.Count, b.Columns.Count);
        foreach (var column in a.Columns)
        {
            var name = renamed?.GetValueOrDefault(column.Name) ?? column.Name;
            if (column is NumericColumn numeric)
            {
                Assert.True(numeric.Values.SequenceEqual(b.Numbers(name)), $"feature {column.Name} differs");
            }
            else if (column is CategoricalColumn categorical)
            {
                Assert.Equal(categorical.Values, b.CategoriesOrNull(name));
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
