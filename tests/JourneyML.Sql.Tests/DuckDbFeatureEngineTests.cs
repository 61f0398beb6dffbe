using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.SampleData;

namespace JourneyML.Sql.Tests;

public sealed class DuckDbFeatureEngineTests
{
    [Fact]
    public void The_committed_sample_gets_the_same_features_from_both_engines()
    {
        var (csharp, duckdb) = EngineEquality.Build(Samples.Sample);

        Assert.True(csharp.Table.RowCount > 1000);
        Assert.Empty(EngineEquality.Differences(csharp.Table, duckdb.Table, csharp.Summary, duckdb.Summary));
    }

    [Theory]
    [InlineData(GeneratorWorld.B2bSaas, 400, 11, false)]
    [InlineData(GeneratorWorld.Subscription, 500, 12, false)]
    [InlineData(GeneratorWorld.Retail, 400, 13, false)]
    [InlineData(GeneratorWorld.ProductLed, 400, 14, false)]
    [InlineData(GeneratorWorld.Small, 300, 15, true)]
    [InlineData(GeneratorWorld.B2bSaas, 400, 16, true)]
    public void Random_exports_get_the_same_features_from_both_engines(GeneratorWorld world, int customers, int seed, bool interventions)
    {
        using var folder = new TempFolder("duckdb-world");
        new SampleGenerator(new GeneratorOptions
        {
            World = world, Customers = customers, Seed = seed, Format = TableFormat.Parquet, Interventions = interventions, RowGroupSize = 5_000,
        }).Generate(folder);

        // Two as-of dates: labels complete, and one whose horizon runs past the export (labels partly unknown).
        foreach (var asOf in new DateTime?[] { null, new DateTime(2026, 5, 17, 0, 0, 0, DateTimeKind.Utc) })
        {
            var (csharp, duckdb) = EngineEquality.Build(folder, asOf);
            Assert.True(csharp.Table.RowCount > 0);
            Assert.Empty(EngineEquality.Differences(csharp.Table, duckdb.Table, csharp.Summary, duckdb.Summary));
        }
    }
}
