namespace JourneyML.Cli.Tests;

/// <summary><c>features --engine duckdb</c>, <c>--emit-sql</c>, <c>--counters</c> and <c>bench features-engines</c> as a user runs them.</summary>
public sealed class FeatureEngineCommandTests
{
    [Fact]
    public void Features_with_the_duckdb_engine_writes_the_table_train_features_reuses_and_refuses_csv_events_naming_the_file()
    {
        using var folder = new TempFolder("cli-duckdb");
        var output = Path.Combine(folder, "features.parquet");

        var built = JourneyCli.Run("features", "--engine", "duckdb", "--out", output);
        Assert.Equal(0, built.ExitCode);
        Assert.True(File.Exists(output));
        Assert.Contains("- Engine: duckdb", File.ReadAllText(Path.ChangeExtension(output, ".report.md")));

        var csv = JourneyCli.Run("features", "--data", Samples.CrmExport, "--engine", "duckdb", "--out", Path.Combine(folder, "crm.parquet"));
        Assert.Equal(3, csv.ExitCode);
        Assert.Contains("activities.csv", csv.Error);
        Assert.Contains("Parquet", csv.Error);
    }

    [Fact]
    public void Emit_sql_prints_the_script_for_each_dialect_and_counters_from_elsewhere_are_checked()
    {
        var spark = JourneyCli.Run("features", "--as-of", "2026-04-01", "--emit-sql", "spark");
        Assert.Equal(0, spark.ExitCode);
        Assert.Contains("unix_micros(", spark.Output);
        Assert.Contains("-- 2. The counters", spark.Output);
        Assert.Contains("outcomes", spark.Output);
        Assert.Equal(2, JourneyCli.Run("features", "--emit-sql", "oracle").ExitCode);

        using var folder = new TempFolder("cli-counters");
        var missing = JourneyCli.Run("features", "--counters", Path.Combine(folder, "nowhere.parquet"), "--out", Path.Combine(folder, "f.parquet"));
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("nowhere.parquet", missing.Error);
    }

    [Fact]
    public void Bench_features_engines_measures_both_engines_in_their_own_processes()
    {
        using var folder = new TempFolder("cli-bench-engines");
        var result = JourneyCli.Tools("bench", "features-engines", "--customers", "150", "--data", Path.Combine(folder, "data"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("features --engine csharp", result.Output);
        Assert.Contains("features --engine duckdb", result.Output);
        Assert.Contains("duckdb / csharp: time", result.Output);
    }
}
