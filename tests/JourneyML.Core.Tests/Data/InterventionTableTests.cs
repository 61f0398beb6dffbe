using System.Text;
using JourneyML.Core.Data;

namespace JourneyML.Core.Tests.Data;

public sealed class InterventionTableTests
{
    private static readonly DateTime SignedUp = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static TestExport Export()
    {
        var export = new TestExport();
        export.Customer("c1", SignedUp).Customer("c2", SignedUp);
        export.Event("c1", new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), "login");
        export.Event("c2", new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), "login");
        return export;
    }

    private static Dataset Open(string dir, ValidationReport? report = null) =>
        Dataset.Open(dir, report ?? new ValidationReport(InvalidRowPolicy.Skip));

    [Fact]
    public void Without_an_interventions_table_the_dataset_has_none()
    {
        using var export = Export();
        var dataset = Open(export.Write());
        Assert.Null(dataset.Interventions);
        Assert.Empty(dataset.InterventionFiles);
    }

    [Fact]
    public void Rows_are_read_with_kind_campaign_and_arm_as_the_user_wrote_them()
    {
        using var export = Export();
        var dir = export.Write();
        File.WriteAllLines(Path.Combine(dir, "interventions.csv"),
        [
            "customer_id,occurred_at,kind,campaign,arm",
            "c1,2026-03-02T10:00:00Z,cs_call,,",
            "c2,2026-03-01T10:00:00Z,discount,spring,control",
            "c1,2026-03-03T10:00:00Z,discount,spring,Treatment",
        ]);
        var dataset = Open(dir);
        var table = dataset.Interventions!;
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(["cs_call", "discount"], table.Kinds);
        Assert.Equal(InterventionArm.Control, table.Rows[0].Arm);
        Assert.Equal("spring", table.Rows[0].Campaign);
        Assert.Equal(InterventionArm.None, table.Rows[1].Arm);
        Assert.Null(table.Rows[1].Campaign);
        Assert.Equal(InterventionArm.Treatment, table.Rows[2].Arm);
        Assert.True(table.HasControlArm("discount"));
        Assert.False(table.HasControlArm("cs_call"));
        Assert.Contains("3 valid rows for 2 customers", InterventionSummary.Describe(table));
    }

    [Fact]
    public void Every_bad_row_is_named_by_file_row_column_and_reason()
    {
        using var export = Export();
        var dir = export.Write();
        File.WriteAllLines(Path.Combine(dir, "interventions.csv"),
        [
            "customer_id,occurred_at,kind,arm",
            "c1,yesterday,cs_call,",
            "nobody,2026-03-01T00:00:00Z,cs_call,",
            "c1,2026-03-01T00:00:00Z,,",
            "c2,2026-03-01T00:00:00Z,discount,maybe",
            "c2,2026-08-01T00:00:00Z,discount,",
            "c2,2026-03-01T00:00:00Z,discount,control",
        ]);
        var report = new ValidationReport(InvalidRowPolicy.Skip);
        var dataset = Open(dir, report);
        Assert.Single(dataset.Interventions!.Rows);
        var problems = report.Listed.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("interventions.csv, row 2, column 'occurred_at':", StringComparison.Ordinal));
        Assert.Contains("interventions.csv, row 3, column 'customer_id': unknown customer (not in the customers table)", problems);
        Assert.Contains(problems, p => p.StartsWith("interventions.csv, row 4, column 'kind': empty kind", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("interventions.csv, row 5, column 'arm': arm 'maybe' is not treatment or control", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("interventions.csv, row 6, column 'occurred_at': at or after the data's as-of date", StringComparison.Ordinal));
        Assert.Throws<DataValidationException>(() => Open(dir, new ValidationReport(InvalidRowPolicy.Strict)).Report.ThrowIfInvalid());
    }

    [Fact]
    public void A_japanese_shift_jis_table_with_renamed_columns_and_mapped_arms_keeps_its_japanese_kinds()
    {
        using var export = Export();
        var dir = export.Write(mapping: """
            { "dataAsOf": "2026-07-01T00:00:00Z", "dataStart": "2025-01-01T00:00:00Z",
              "interventions": { "path": "施策.csv",
                "columns": { "customerId": "顧客ID", "occurredAt": "実施日時", "kind": "施策", "campaign": "キャンペーン", "arm": "群" },
                "kinds": { "電話フォロー": "電話" },
                "arms": { "対照群": "control", "実施群": "treatment" } } }
            """);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        File.WriteAllLines(Path.Combine(dir, "施策.csv"),
        [
            "顧客ID,実施日時,施策,キャンペーン,群",
            "c1,2026-03-02T10:00:00Z,オンボーディング,春の施策,実施群",
            "c2,2026-03-02T10:00:00Z,オンボーディング,春の施策,対照群",
            "c2,2026-03-05T10:00:00Z,電話フォロー,,",
        ], Encoding.GetEncoding(932));
        var report = new ValidationReport(InvalidRowPolicy.Strict);
        var table = Open(dir, report).Interventions!;
        Assert.False(report.HasProblems, report.Format());
        Assert.Equal(["オンボーディング", "電話"], table.Kinds);
        Assert.Equal("春の施策", table.Rows[0].Campaign);
        Assert.True(table.HasControlArm("オンボーディング"));
    }

    [Fact]
    public void A_mapping_whose_arm_maps_to_neither_value_is_refused_naming_the_setting()
    {
        using var export = Export();
        var dir = export.Write(mapping: """{ "dataAsOf": "2026-07-01T00:00:00Z", "interventions": { "arms": { "A": "holdout" } } }""");
        var ex = Assert.Throws<DataFileException>(() => Open(dir));
        Assert.Equal("interventions.arms", ex.Column);
        Assert.Contains("not treatment or control", ex.Reason);
    }
}
