using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
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

public sealed class InvalidEventRowTests
{
    [Fact]
    public void Invalid_event_rows_fail_a_strict_run_and_are_skipped_and_counted_alike_by_both_engines()
    {
        using var folder = new TempFolder("duckdb-invalid");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Small, Customers = 200, Seed = 5, Format = TableFormat.Parquet }).Generate(folder);
        var events = Path.Combine(folder, "events.parquet");
        var good = Path.Combine(folder, "good.parquet");
        File.Move(events, good);
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // An unknown customer, a negative value and an event after the data's as-of date, among valid rows.
            command.CommandText = $"COPY (SELECT * FROM read_parquet('{good}') UNION ALL " +
                "SELECT 'NOBODY', TIMESTAMPTZ '2026-01-05 00:00:00+00', 'login', NULL, NULL UNION ALL " +
                "SELECT (SELECT min(customer_id) FROM read_parquet('" + good + "')), TIMESTAMPTZ '2026-02-05 00:00:00+00', 'login', NULL, -3 UNION ALL " +
                "SELECT (SELECT min(customer_id) FROM read_parquet('" + good + "')), TIMESTAMPTZ '2027-02-05 00:00:00+00', 'login', NULL, NULL) " +
                $"TO '{events}' (FORMAT PARQUET)";
            command.ExecuteNonQuery();
        }
        File.Delete(good);

        Assert.Throws<DataValidationException>(() => Build(folder, CSharpFeatureEngine.Instance, InvalidRowPolicy.Strict));
        var strict = Assert.Throws<DataValidationException>(() => Build(folder, new DuckDbFeatureEngine(), InvalidRowPolicy.Strict));
        Assert.Contains("unknown customer", strict.Message);

        var (csharp, csharpReport) = Build(folder, CSharpFeatureEngine.Instance, InvalidRowPolicy.Skip);
        var (duckdb, duckdbReport) = Build(folder, new DuckDbFeatureEngine(), InvalidRowPolicy.Skip);
        Assert.Equal(3, csharpReport.TotalProblems);
        Assert.Equal(csharpReport.TotalProblems, duckdbReport.TotalProblems);
        Assert.Equal(csharpReport.CountsByReason.Select(c => (c.File, c.Count)).Order(), duckdbReport.CountsByReason.Select(c => (c.File, c.Count)).Order());
        Assert.Equal(csharpReport.RowsRead.OrderBy(r => r.Key), duckdbReport.RowsRead.OrderBy(r => r.Key));
        Assert.Empty(EngineEquality.Differences(csharp.Table, duckdb.Table, csharp.Summary, duckdb.Summary));
    }

    [Fact]
    public void Impossible_timelines_are_rejected_alike_by_both_engines()
    {
        using var folder = new TempFolder("duckdb-timelines");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.B2bSaas, Customers = 300, Seed = 8, Format = TableFormat.Parquet }).Generate(folder);
        var events = Path.Combine(folder, "events.parquet");
        var good = Path.Combine(folder, "good.parquet");
        File.Move(events, good);
        string Table(string name) => Directory.GetFiles(folder, name + ".*").Single() is var f && f.EndsWith(".csv", StringComparison.Ordinal)
            ? $"read_csv('{f}')" : $"read_parquet('{f}')";
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // A login ten days before a customer signed up, and a login three weeks after a churn with no comeback since.
            command.CommandText = $"""
                COPY (
                  SELECT * FROM read_parquet('{good}')
                  UNION ALL SELECT customer_id, CAST(signed_up_at AS TIMESTAMPTZ) - INTERVAL 10 DAY, 'login', NULL, NULL
                    FROM (SELECT * FROM {Table("customers")} ORDER BY customer_id LIMIT 1)
                  UNION ALL SELECT customer_id, CAST(churned_at AS TIMESTAMPTZ) + INTERVAL 21 DAY, 'login', NULL, NULL FROM (
                    SELECT o.customer_id, o.churned_at FROM {Table("outcomes")} o
                    WHERE o.churned_at IS NOT NULL AND CAST(o.churned_at AS TIMESTAMPTZ) < TIMESTAMPTZ '2026-05-01 00:00:00+00'
                      AND (o.converted_at IS NULL OR CAST(o.converted_at AS TIMESTAMPTZ) <= CAST(o.churned_at AS TIMESTAMPTZ))
                      AND NOT EXISTS (SELECT 1 FROM read_parquet('{good}') e WHERE e.customer_id = o.customer_id
                        AND e.type IN ('purchase', 'renewal', 'upgrade', 'trial_started') AND e.occurred_at > CAST(o.churned_at AS TIMESTAMPTZ))
                    ORDER BY o.customer_id LIMIT 1)
                ) TO '{events}' (FORMAT PARQUET)
                """;
            command.ExecuteNonQuery();
        }
        File.Delete(good);

        var strict = Assert.Throws<DataValidationException>(() => Build(folder, new DuckDbFeatureEngine(), InvalidRowPolicy.Strict));
        Assert.Contains(TimelineCheck.BeforeSignupReason, strict.Message);
        Assert.Contains(TimelineCheck.AfterChurnReason, strict.Message);
        var (csharp, csharpReport) = Build(folder, CSharpFeatureEngine.Instance, InvalidRowPolicy.Skip);
        var (duckdb, duckdbReport) = Build(folder, new DuckDbFeatureEngine(), InvalidRowPolicy.Skip);
        Assert.True(csharpReport.TotalProblems >= 2);
        Assert.Equal(csharpReport.CountsByReason.OrderBy(c => c.Reason), duckdbReport.CountsByReason.OrderBy(c => c.Reason));
        Assert.Empty(EngineEquality.Differences(csharp.Table, duckdb.Table, csharp.Summary, duckdb.Summary));
    }

    private static ((FeatureTable Table, FeatureBuildSummary Summary) Built, ValidationReport Report) Build(string folder, IFeatureEngine engine, InvalidRowPolicy policy)
    {
        var report = new ValidationReport(policy);
        var dataset = Dataset.Open(folder, report);
        var options = new FeatureOptions { AsOf = FeatureRun.DefaultAsOf(dataset.DataAsOf, 90), HorizonDays = 90 };
        return (engine.Build(dataset, options, null, CancellationToken.None), report);
    }
}

public sealed class FeatureSqlRoundTripTests
{
    [Fact]
    public void A_table_the_duckdb_engine_wrote_is_reused_by_train_features()
    {
        using var folder = new TempFolder("duckdb-reuse");
        var output = Path.Combine(folder, "features.parquet");
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var written = FeatureRun.Run(new FeatureRunOptions { DataDirectory = Samples.Sample, OutputPath = output, Engine = new DuckDbFeatureEngine() }, logger);

        // What train --features FILE does: the stored provenance and fingerprint are checked against the export.
        var reused = FeatureRun.Run(new FeatureRunOptions { DataDirectory = Samples.Sample, FeaturesFile = output }, logger);

        Assert.Equal(written.Table.CustomerIds, reused.Table.CustomerIds);
        Assert.Equal(written.Summary.EventsBeforeAsOf, reused.Summary.EventsBeforeAsOf);
    }

    [Fact]
    public void The_emitted_sql_run_elsewhere_and_brought_back_with_counters_gives_the_csharp_table()
    {
        using var folder = new TempFolder("duckdb-emitted");
        var mapping = DataMapping.ForDirectory(Samples.Sample);
        var asOf = FeatureRun.DefaultAsOf(mapping.DataAsOf!.Value, 90);
        var script = FeatureSqlScript.For(mapping, mapping.DataAsOf!.Value, asOf, 90, "duckdb", withOutcomes: true);
        var counters = Path.Combine(folder, "counters.parquet");
        // As a user runs it in DuckDB's shell (or Spark, Trino): the two tables registered under the export's names.
        RunScript(script, counters);

        var (csharp, _) = EngineEquality.Build(Samples.Sample);
        var brought = EngineEquality.BuildWith(Samples.Sample, new CountersFileEngine(counters), null, 90);

        Assert.Empty(EngineEquality.Differences(csharp.Table, brought.Table, csharp.Summary, brought.Summary));
    }

    [Fact]
    public void Counters_for_another_as_of_date_are_refused_naming_the_file()
    {
        using var folder = new TempFolder("duckdb-stale");
        var mapping = DataMapping.ForDirectory(Samples.Sample);
        var counters = Path.Combine(folder, "counters.parquet");
        RunScript(FeatureSqlScript.For(mapping, mapping.DataAsOf!.Value, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), 90, "duckdb", withOutcomes: true), counters);

        var error = Assert.Throws<DataFileException>(() => EngineEquality.BuildWith(Samples.Sample, new CountersFileEngine(counters), null, 90));

        Assert.Contains("counters.parquet", error.Message);
        Assert.Contains("counted as of 2026-03-01", error.Message);
    }

    [Fact]
    public void Events_in_csv_are_refused_naming_the_file_and_the_way_out()
    {
        using var folder = new TempFolder("duckdb-csv");
        new SampleGenerator(new GeneratorOptions { World = GeneratorWorld.Small, Customers = 60, Seed = 3 }).Generate(folder);

        var error = Assert.Throws<DataFileException>(() => EngineEquality.BuildWith(folder, new DuckDbFeatureEngine(), null, 90));

        Assert.Contains("events.csv", error.Message);
        Assert.Contains("Parquet", error.Message);
    }

    [Fact]
    public void Spark_and_trino_sql_use_their_own_functions_and_none_of_duckdbs()
    {
        var mapping = DataMapping.ForDirectory(Samples.Sample);
        var asOf = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        var spark = FeatureSqlScript.For(mapping, mapping.DataAsOf!.Value, asOf, 90, "spark", withOutcomes: true);
        var trino = FeatureSqlScript.For(mapping, mapping.DataAsOf!.Value, asOf, 90, "trino", withOutcomes: true);

        foreach (var duckdbOnly in new[] { "epoch_us(", "round_even(", " // " })
        {
            Assert.DoesNotContain(duckdbOnly, spark);
            Assert.DoesNotContain(duckdbOnly, trino);
        }
        Assert.Contains("unix_micros(", spark);
        Assert.Contains("bround(", spark);
        Assert.Contains("to_unixtime(", trino);
        Assert.Contains("is_nan(", trino);
    }

    /// <summary>Registers the sample's tables as events and customers and saves the counters statement's result as Parquet.</summary>
    private static void RunScript(string script, string counters)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE VIEW events AS SELECT * FROM read_parquet('{Samples.Path("sample", "events.parquet")}');" +
            $"CREATE VIEW customers AS SELECT * REPLACE (CAST(signed_up_at AS TIMESTAMPTZ) AS signed_up_at) FROM read_csv('{Samples.Path("sample", "customers.csv")}', all_varchar = true);" +
            "CREATE VIEW outcomes AS SELECT * REPLACE (CAST(churned_at AS TIMESTAMPTZ) AS churned_at, CAST(converted_at AS TIMESTAMPTZ) AS converted_at) " +
            $"FROM read_csv('{Samples.Path("sample", "outcomes.csv")}', all_varchar = true);";
        command.ExecuteNonQuery();
        var statements = script.Split("\n-- 2.", StringSplitOptions.None);
        command.CommandText = statements[0];
        using (var invalid = command.ExecuteReader())
        {
            Assert.False(invalid.Read(), "the sample has no invalid event rows");
        }
        var counting = statements[1].TrimEnd().TrimEnd(';');
        command.CommandText = $"COPY ({counting[counting.IndexOf("WITH", StringComparison.Ordinal)..]}) TO '{counters}' (FORMAT PARQUET)";
        command.ExecuteNonQuery();
    }
}

public sealed class JapaneseExportTests
{
    [Fact]
    public void The_japanese_export_with_its_events_in_parquet_gets_the_same_features_from_both_engines()
    {
        using var folder = new TempFolder("duckdb-ja");
        var source = Samples.Path("ja-export");
        foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith("行動履歴.csv", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        // The events as a Japanese system would hand them over in Parquet: the same Japanese column and event names, times as timestamps.
        var utf8 = Path.Combine(folder, "events-utf8.csv");
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        File.WriteAllText(utf8, File.ReadAllText(Path.Combine(source, "行動履歴.csv"), System.Text.Encoding.GetEncoding("shift_jis")));
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"COPY (SELECT 顧客ID, strptime(日時, '%Y/%m/%d %H:%M') AS 日時, 行動, 流入元, 値 FROM read_csv('{utf8}', all_varchar = true)) " +
                $"TO '{Path.Combine(folder, "行動履歴.parquet")}' (FORMAT PARQUET)";
            command.ExecuteNonQuery();
        }
        File.Delete(utf8);
        var mappingPath = Path.Combine(folder, "journeyml.json");
        File.WriteAllText(mappingPath, File.ReadAllText(mappingPath).Replace("行動履歴.csv", "行動履歴.parquet", StringComparison.Ordinal));

        var (csharp, duckdb) = EngineEquality.Build(folder);

        Assert.True(csharp.Table.RowCount > 100);
        Assert.True(csharp.Table.Numbers(FeatureNames.Logins90d).Sum() > 0, "the Japanese event names were mapped");
        Assert.Empty(EngineEquality.Differences(csharp.Table, duckdb.Table, csharp.Summary, duckdb.Summary));
    }
}
