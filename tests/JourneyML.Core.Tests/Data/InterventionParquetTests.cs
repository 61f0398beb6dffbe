using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.SampleData;

namespace JourneyML.Core.Tests.Data;

/// <summary>The interventions table from Parquet reads as the same table from CSV: rows, kinds, arms and the features built on them.</summary>
public sealed class InterventionParquetTests
{
    [Fact]
    public void An_interventions_table_in_parquet_reads_the_same_as_in_csv()
    {
        using var csvFolder = new TempFolder("interventions-csv");
        using var parquetFolder = new TempFolder("interventions-parquet");
        var options = new GeneratorOptions { Customers = 600, Seed = 7, World = GeneratorWorld.Small, Interventions = true };
        new SampleGenerator(options).Generate(csvFolder);
        new SampleGenerator(options with { Format = TableFormat.Parquet }).Generate(parquetFolder);
        Assert.True(File.Exists(Path.Combine(parquetFolder, "interventions.parquet")));
        Assert.False(File.Exists(Path.Combine(parquetFolder, "interventions.csv")));

        var csv = Dataset.Open(csvFolder, new ValidationReport());
        var parquet = Dataset.Open(parquetFolder, new ValidationReport());
        Assert.Equal(Path.Combine(parquetFolder, "interventions.parquet"), Assert.Single(parquet.InterventionFiles));
        Assert.NotEmpty(csv.Interventions!.Rows);
        Assert.Equal(csv.Interventions.Kinds, parquet.Interventions!.Kinds);
        Assert.Equal(Rows(csv), Rows(parquet));
        Assert.Contains(parquet.Interventions.Rows, r => r.Arm == InterventionArm.Control);

        var featureOptions = new FeatureOptions { AsOf = options.ReferenceAsOf };
        var fromCsv = BehaviourFeatures.Build(csv, featureOptions).Table;
        var fromParquet = BehaviourFeatures.Build(parquet, featureOptions).Table;
        var names = csv.Interventions.Kinds.Select(InterventionFeatures.Definitions).SelectMany(d => new[] { d.DaysSince.Name, d.Count.Name }).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.Equal(fromCsv.Numbers(name), fromParquet.Numbers(name));
        }
    }

    private static List<(string, DateTime, string, string?, InterventionArm)> Rows(Dataset d) =>
        [.. d.Interventions!.Rows.Select(r => (d.Customers[r.Customer].CustomerId, r.OccurredAt, r.Kind, r.Campaign, r.Arm))];
}
