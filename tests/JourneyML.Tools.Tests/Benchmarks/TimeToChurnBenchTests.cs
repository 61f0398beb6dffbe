using JourneyML.Core.Features;
using JourneyML.Tools.Commands;

namespace JourneyML.Tools.Tests.Benchmarks;

/// <summary><c>bench time-to-churn</c>'s tiling: a million curves from a smaller feature table, every row's features as the source row's.</summary>
public sealed class TimeToChurnBenchTests
{
    private static FeatureTable Source() => new(["c1", "c2", "c3"],
        [FeatureColumn.Numeric("logins_30d", "logins", [1, float.NaN, 3]), FeatureColumn.Categorical("plan", "plan", ["pro", null, "starter"])])
    {
        AsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void Tiling_repeats_the_rows_in_order_with_unique_ids_up_to_the_size_asked_for()
    {
        var tiled = BenchTimeToChurnCommand.Tile(Source(), 8);
        Assert.Equal(8, tiled.RowCount);
        Assert.Equal(8, tiled.CustomerIds.Distinct().Count());
        Assert.Equal(["c1", "c2", "c3", "c1~1"], tiled.CustomerIds.Take(4));
        Assert.Equal([1f, float.NaN, 3f, 1f, float.NaN, 3f, 1f, float.NaN], tiled.NumbersOrNull("logins_30d")!);
        Assert.Equal(new string?[] { "pro", null, "starter", "pro", null, "starter", "pro", null }, tiled.CategoriesOrNull("plan")!.AsEnumerable());
        Assert.Equal(Source().AsOf, tiled.AsOf);
        Assert.Equal(["c1", "c2"], BenchTimeToChurnCommand.Tile(Source(), 2).CustomerIds);
    }
}
