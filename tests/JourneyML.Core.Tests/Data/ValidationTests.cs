using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Tests.Data;

public sealed class ValidationTests
{
    private static readonly DateTime s_asOf = new(2026, 3, 5, 0, 0, 0, DateTimeKind.Utc);

    private static FeatureTable BuildBadRows(InvalidRowPolicy policy, out ValidationReport report)
    {
        report = new ValidationReport(policy);
        var dataset = Dataset.Open(Samples.Bad("rows"), report);
        return BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = s_asOf }).Table;
    }

    [Fact]
    public void Strict_mode_fails_and_lists_every_bad_row_with_file_row_column_and_reason()
    {
        var ex = Assert.Throws<DataValidationException>(() => BuildBadRows(InvalidRowPolicy.Strict, out _));
        var listed = ex.Report.Listed.Select(p => (p.File, p.Row, p.Column)).ToList();
        (string, long, string?)[] expected =
        [
            ("customers.csv", 5, "customer_id"),
            ("customers.csv", 6, "signed_up_at"),
            ("customers.csv", 7, "plan"),
            ("events.csv", 6, "customer_id"),
            ("events.csv", 7, "occurred_at"),
            ("events.csv", 8, "value"),
            ("events.csv", 9, "occurred_at"),
            ("events.csv", 10, "type"),
            ("events.csv", 11, "value"),
            ("events.csv", 12, null),
        ];
        Assert.Equal(expected, listed);
        Assert.Equal(10, ex.Report.TotalProblems);
        Assert.Contains("duplicate customer id", ex.Message);
        Assert.Contains("unknown customer", ex.Message);
        Assert.Contains("unparseable time", ex.Message);
        Assert.Contains("negative value", ex.Message);
        Assert.Contains("after the data's as-of date", ex.Message);
        Assert.Contains("Nothing was written", ex.Message);
    }

    [Fact]
    public void Skip_mode_uses_the_good_rows_and_counts_every_skipped_one()
    {
        var table = BuildBadRows(InvalidRowPolicy.Skip, out var report);
        Assert.Equal(["C1", "C2", "C3"], table.CustomerIds);
        Assert.Equal(10, report.TotalProblems);
        Assert.Equal(10, report.CountsByReason.Sum(c => c.Count));
        // The unmapped type is kept (as 'other') and counted, not dropped.
        Assert.Contains(report.Notes, n => n.Key.Contains("Partner Portal Visit") && n.Value == 1);
        Assert.Equal(2, table.Numbers("logins_30d")[0]);
    }

    [Fact]
    public void Strict_mode_counts_all_problems_but_lists_only_the_first_ones()
    {
        using var export = new TestExport();
        export.Customer("C1", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        for (int i = 0; i < 500; i++)
        {
            export.Event("nobody", TestExport.AsOf.AddDays(-1), "login");
        }
        var report = new ValidationReport(InvalidRowPolicy.Strict, maxListed: 5);
        var dataset = Dataset.Open(export.Write(), report);
        var ex = Assert.Throws<DataValidationException>(() => BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = TestExport.AsOf }));
        Assert.Equal(500, ex.Report.TotalProblems);
        Assert.Contains("500 invalid row(s) rejected. First 5:", ex.Message);
        Assert.Contains("events.csv, row 2, column 'customer_id'", ex.Message);
    }

    [Theory]
    [InlineData("empty-file", "events.csv", "empty file")]
    [InlineData("wrong-file-type", "events.parquet", "wrong file type")]
    [InlineData("missing-column", "events.csv", "missing required column 'occurred_at'")]
    public void Whole_file_problems_name_the_file_and_the_reason(string sample, string file, string reason)
    {
        var ex = Assert.Throws<DataFileException>(() => Dataset.Open(Samples.Bad(sample), new ValidationReport()));
        Assert.Equal(file, ex.File);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void A_spreadsheet_or_a_header_only_file_is_refused_clearly()
    {
        using var export = new TestExport();
        export.Customer("C1", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var dir = export.Write();
        File.Move(Path.Combine(dir, "customers.csv"), Path.Combine(dir, "customers.xlsx"));
        var mapping = """{ "dataAsOf": "2026-07-01T00:00:00Z", "customers": { "path": "customers.xlsx" } }""";
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), mapping);
        var ex = Assert.Throws<DataFileException>(() => Dataset.Open(dir, new ValidationReport()));
        Assert.Contains("wrong file type '.xlsx'", ex.Message);

        File.WriteAllText(Path.Combine(dir, "customers.csv"), "customer_id,signed_up_at,plan\n");
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "dataAsOf": "2026-07-01T00:00:00Z" }""");
        var empty = Assert.Throws<DataFileException>(() => Dataset.Open(dir, new ValidationReport()));
        Assert.Contains("customers.csv: empty file: a header but no rows", empty.Message);
    }

    [Fact]
    public void Mapping_file_errors_name_the_setting()
    {
        using var export = new TestExport();
        export.Customer("C1", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var dir = export.Write(mapping: """{ "events": { "types": { "Logged In": "log_in" } } }""");
        var ex = Assert.Throws<DataFileException>(() => Dataset.Open(dir, new ValidationReport()));
        Assert.Equal("events.types", ex.Column);
        Assert.Contains("'Logged In' maps to 'log_in', which is not a JourneyML event type", ex.Message);

        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "customers": { "colums": {} } }""");
        var typo = Assert.Throws<DataFileException>(() => Dataset.Open(dir, new ValidationReport()));
        Assert.Contains("not a valid mapping file", typo.Message);
        Assert.Contains("colums", typo.Message);
    }

    [Fact]
    public void Unmapped_event_types_are_rejected_when_the_mapping_says_so_and_role_names_are_mapped()
    {
        using var export = new TestExport();
        export.Customer("C1", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), account: "A", role: "Economic Buyer")
            .Event("C1", TestExport.AsOf.AddDays(-1), "Logged In")
            .Event("C1", TestExport.AsOf.AddDays(-2), "Partner Portal Visit");
        var dir = export.Write(mapping: """
            { "dataAsOf": "2026-07-01T00:00:00Z",
              "customers": { "roles": { "economic buyer": "decision-maker" } },
              "events": { "types": { "Logged In": "login" }, "unmappedTypes": "error" } }
            """);
        var report = new ValidationReport(InvalidRowPolicy.Skip);
        var dataset = Dataset.Open(dir, report);
        Assert.True(dataset.Customers[0].IsDecisionMaker);
        var table = BehaviourFeatures.Build(dataset, new FeatureOptions { AsOf = TestExport.AsOf }).Table;
        Assert.Equal(1, table.Numbers("logins_7d")[0]);
        var problem = Assert.Single(report.Listed);
        Assert.Equal(("events.csv", 3L, "type"), (problem.File, problem.Row, problem.Column));
        Assert.Contains("'Partner Portal Visit' is not mapped", problem.Reason);
    }

    [Fact]
    public void Csv_quoting_keeps_commas_quotes_and_line_breaks_inside_fields()
    {
        var dir = TempFolder.Create("csv");
        var path = Path.Combine(dir, "t.csv");
        File.WriteAllText(path, "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,last\n");
        using var reader = TableReader.Open(path);
        var chunk = reader.ReadAll(["a", "b", "c"]).Single();
        Assert.Equal(2, chunk.RowCount);
        Assert.Equal("x, y", chunk.GetString(0, 0));
        Assert.Equal("say \"hi\"", chunk.GetString(1, 0));
        Assert.Equal("two\nlines", chunk.GetString(2, 0));
        Assert.Equal(2, chunk.RowNumber(0));
        Assert.Equal(4, chunk.RowNumber(1)); // the quoted line break moved the next row to line 4
        Assert.True(chunk.IsMissing(1, 1));
    }

    [Fact]
    public void Csv_export_neutralises_formula_cells()
    {
        Assert.Equal("\"'=HYPERLINK(\"\"x\"\")\"", Csv.Escape("=HYPERLINK(\"x\")"));
        Assert.Equal("'@SUM(A1)", Csv.Escape("@SUM(A1)"));
        Assert.Equal("-12.5", Csv.Escape("-12.5"));
    }
}

public sealed class ParquetReadingTests
{
    [Fact]
    public void A_chunks_text_stays_intact_while_other_row_groups_are_read()
    {
        // Text values are slices of the reader's buffers: reading another row group must not overwrite a chunk still in use.
        var dir = TempFolder.Create("parquet");
        new JourneyML.SampleData.SampleGenerator(new JourneyML.SampleData.GeneratorOptions
        {
            Customers = 3_000, Seed = 4, Format = JourneyML.SampleData.TableFormat.Parquet, RowGroupSize = 100_000,
        }).Generate(dir);
        using var reader = TableReader.Open(Path.Combine(dir, "events.parquet"));
        Assert.True(reader.PartitionCount > 4);
        using var first = reader.ReadPartition(0, ["customer_id", "type"]).GetEnumerator();
        Assert.True(first.MoveNext());
        var chunk = first.Current;
        var before = Enumerable.Range(0, chunk.RowCount).Select(i => chunk.GetString(0, i) + "|" + chunk.GetString(1, i)).ToList();
        Parallel.For(1, reader.PartitionCount, p =>
        {
            foreach (var other in reader.ReadPartition(p, ["customer_id", "type"]))
            {
                Assert.True(other.RowCount > 0);
            }
        });
        GC.Collect();
        var after = Enumerable.Range(0, chunk.RowCount).Select(i => chunk.GetString(0, i) + "|" + chunk.GetString(1, i)).ToList();
        Assert.Equal(before, after);
    }
}
