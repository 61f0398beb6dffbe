using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.SampleData;
using JourneyML.Core.Tests.SampleData;

namespace JourneyML.Core.Tests.Features;

/// <summary>The feature step on generated data, checked against what the generator planted.</summary>
[Collection(GeneratedSamplesCollection.Name)]
public sealed class SampleFeatureTests(GeneratedSamples samples)
{
    private static readonly DateTime ReferenceAsOf = new GeneratorOptions().ReferenceAsOf;

    private static FeatureTable Build(string dir, out FeatureBuildSummary summary, out ValidationReport report)
    {
        report = new ValidationReport();
        var dataset = Dataset.Open(dir, report);
        (var table, summary) = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = ReferenceAsOf, HorizonDays = 90 });
        return table;
    }

    [Fact]
    public void The_committed_sample_is_clean_and_its_labels_and_statuses_match_the_ground_truth()
    {
        var dir = Samples.Sample;
        var table = Build(dir, out var summary, out var report);
        Assert.Equal(0, report.TotalProblems);
        Assert.Empty(report.Notes);
        var truth = TableFiles.ReadCsv(Path.Combine(dir, "ground_truth.csv")).ToDictionary(r => r["customer_id"]);
        Assert.Equal(truth.Count, table.RowCount + summary.SignedUpOnOrAfterAsOf);
        for (int r = 0; r < table.RowCount; r++)
        {
            var row = truth[table.CustomerIds[r]];
            Assert.Equal(row["status_at_as_of"], table.Status![r].Name());
            float churn = table.Labels[LabelNames.Churn][r], conversion = table.Labels[LabelNames.Conversion][r];
            if (row["status_at_as_of"] == CustomerStatus.Customer.Name())
            {
                Assert.Equal(float.Parse(row["churned_in_horizon"]), churn);
            }
            else
            {
                Assert.True(float.IsNaN(churn));
            }
            if (row["status_at_as_of"] == CustomerStatus.Lead.Name())
            {
                Assert.Equal(float.Parse(row["converted_in_horizon"]), conversion);
            }
        }
    }

    [Fact]
    public void The_planted_signals_show_in_the_features()
    {
        var table = Build(Samples.Sample, out _, out _);
        var truth = TableFiles.ReadCsv(Samples.Path("sample", "ground_truth.csv")).ToDictionary(r => r["customer_id"], r => r["segment"]);
        double Mean(string segment, string feature)
        {
            var values = table.Numbers(feature);
            return Enumerable.Range(0, table.RowCount)
                .Where(r => truth[table.CustomerIds[r]] == segment && table.Status![r] != CustomerStatus.Churned && !float.IsNaN(values[r]))
                .Average(r => values[r]);
        }
        Assert.True(Mean("declining", "login_trend") < -1, "declining customers' logins fall");
        Assert.True(Mean("power_user", "logins_30d") > 3 * Mean("steady", "logins_30d"));
        Assert.True(Mean("support_heavy", "tickets_30d") > 4 * Mean("steady", "tickets_30d"));
        Assert.True(Mean("evaluator", "pricing_views_90d") > 5 * Mean("nurture", "pricing_views_90d"));
    }

    [Fact]
    public void A_crm_export_read_through_its_mapping_gives_the_same_features_as_the_canonical_export()
    {
        var canonical = samples.NewDirectory("canonical");
        var crm = samples.NewDirectory("crm");
        new SampleGenerator(GeneratedSamples.SmallOptions).Generate(canonical);
        new SampleGenerator(GeneratedSamples.SmallOptions with { Dialect = ExportDialect.Crm }).Generate(crm);
        // The customer's own columns keep the export's own names.
        FeatureAssert.SameFeatures(Build(canonical, out _, out _), Build(crm, out _, out var report), labels: true,
            new Dictionary<string, string> { ["company_size"] = "Company Size", ["industry"] = "Industry" });
        Assert.Equal(0, report.TotalProblems);
        Assert.Empty(report.Notes); // every CRM event name is mapped
    }

    [Fact]
    public void Parquet_and_csv_exports_give_the_same_features()
    {
        var csv = samples.NewDirectory("csv");
        var parquet = samples.NewDirectory("parquet");
        new SampleGenerator(GeneratedSamples.SmallOptions).Generate(csv);
        new SampleGenerator(GeneratedSamples.SmallOptions with { Format = TableFormat.Parquet, RowGroupSize = 5_000 }).Generate(parquet);
        var fromParquet = Dataset.Open(parquet, new ValidationReport());
        Assert.True(fromParquet.Events.PartitionCount > 1, "several row groups, read in parallel");
        FeatureAssert.SameFeatures(Build(csv, out _, out _), Build(parquet, out _, out _), labels: true);
    }
}
