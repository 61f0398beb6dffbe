using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Features;

public sealed class FeatureTableFileTests
{
    private static string TempFile(string name)
    {
        return Path.Combine(TempFolder.Create("feature-table"), name);
    }

    [Fact]
    public void A_ready_feature_table_is_read_with_types_inferred()
    {
        var path = TempFile("features.csv");
        File.WriteAllText(path, "id,monthly_spend,seats,plan,is_trial,churn\nX1,120.5,3,pro,true,1\nX2,,10,enterprise,false,0\nX3,80,1,starter,false,\n");
        var table = FeatureTableFiles.Read(path, new ValidationReport(), idColumn: "id", labelColumn: "churn");
        Assert.Equal(["X1", "X2", "X3"], table.CustomerIds);
        Assert.Equal(FeatureKind.Numeric, table["monthly_spend"].Kind);
        Assert.True(float.IsNaN(table.Numbers("monthly_spend")[1]));
        Assert.Equal(FeatureKind.Categorical, table["plan"].Kind);
        Assert.Equal(1, table.Numbers("is_trial")[0]);
        Assert.Equal([1f, 0f, float.NaN], table.Labels[LabelNames.Churn]);
        Assert.DoesNotContain(table.Columns, c => c.Name is "id" or "churn");
    }

    [Fact]
    public void A_ready_feature_table_with_bad_rows_is_rejected_with_row_and_column()
    {
        var path = TempFile("features.csv");
        File.WriteAllText(path, "id,spend,churn\nX1,1,1\nX1,2,0\n,3,0\nX4,4,maybe\n");
        var ex = Assert.Throws<DataValidationException>(() => FeatureTableFiles.Read(path, new ValidationReport(), "id", "churn"));
        Assert.Equal(
            [("features.csv", 3L, "id"), ("features.csv", 4L, "id"), ("features.csv", 5L, "churn")],
            ex.Report.Listed.Select(p => (p.File, p.Row, p.Column!)).ToList());
        var missing = Assert.Throws<DataFileException>(() => FeatureTableFiles.Read(path, new ValidationReport(), "id", "label"));
        Assert.Contains("missing required column 'label'", missing.Message);
    }

    [Theory]
    [InlineData("features.parquet")]
    [InlineData("features.csv")]
    public void Written_feature_tables_read_back_the_same(string name)
    {
        var table = new FeatureTable(["a", "b"],
            [FeatureColumn.Numeric("logins_30d", "logins", [3, float.NaN]), FeatureColumn.Categorical("plan", "plan", ["pro", null])])
        {
            Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = [1, float.NaN] },
        };
        var path = TempFile(name);
        FeatureTableFiles.Write(table, path);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.partial"));
        var back = FeatureTableFiles.Read(path, new ValidationReport(), labelColumn: "label_churned");
        Assert.Equal(table.CustomerIds, back.CustomerIds);
        Assert.Equal([3f, float.NaN], back.Numbers("logins_30d"));
        Assert.Equal(new string?[] { "pro", null }, back.Categories("plan"));
        Assert.Equal([1f, float.NaN], back.Labels[LabelNames.Churn]);
    }
}
