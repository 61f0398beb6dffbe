namespace JourneyML.Cli.Tests;

public sealed class DataCommandTests
{
    [Fact]
    public void Validate_lists_each_bad_row_and_exits_with_the_invalid_data_code()
    {
        var result = JourneyCli.Run("validate", "--data", Samples.Bad("rows"));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("events.csv, row 6, column 'customer_id': unknown customer", result.Output);
        Assert.Contains("customers.csv, row 5, column 'customer_id': duplicate customer id", result.Output);
        Assert.Contains("10 invalid row(s) found", result.Output);
    }

    [Fact]
    public void Validate_accepts_the_committed_sample_and_the_crm_export()
    {
        var sample = JourneyCli.Run("validate", "--data", Samples.Sample);
        Assert.Equal(0, sample.ExitCode);
        Assert.Contains("2,000 valid customers", sample.Output);
        var crm = JourneyCli.Run("validate", "--data", Samples.CrmExport);
        Assert.Equal(0, crm.ExitCode);
        Assert.Contains("No invalid rows.", crm.Output);
    }

    [Fact]
    public void Features_in_strict_mode_write_nothing_for_bad_data_and_skip_invalid_counts_the_skipped_rows()
    {
        var dir = TempFolder.Create("cli");
        var output = Path.Combine(dir, "features.csv");
        var strict = JourneyCli.Run("features", "--data", Samples.Bad("rows"), "--as-of", "2026-03-05", "--out", output);
        Assert.Equal(3, strict.ExitCode);
        Assert.Contains("Nothing was written", strict.Error);
        Assert.Empty(Directory.GetFiles(dir));

        var skip = JourneyCli.Run("features", "--data", Samples.Bad("rows"), "--as-of", "2026-03-05", "--out", output, "--skip-invalid");
        Assert.Equal(0, skip.ExitCode);
        Assert.Equal(4, File.ReadAllLines(output).Length); // header and three customers
        var report = File.ReadAllText(Path.Combine(dir, "features.report.md"));
        Assert.Contains("Invalid rows skipped: 10", report);
        Assert.Contains("events.csv, row 8, column 'value': negative value", report);
    }

    [Fact]
    public void Generate_then_features_runs_end_to_end_on_parquet()
    {
        var dir = TempFolder.Create("cli");
        var generated = JourneyCli.Tools("generate", "--customers", "120", "--seed", "5", "--format", "parquet", "--out", dir);
        Assert.Equal(0, generated.ExitCode);
        Assert.True(File.Exists(Path.Combine(dir, "events.parquet")));
        Assert.True(File.Exists(Path.Combine(dir, "ground_truth.parquet")));
        var features = JourneyCli.Run("features", "--data", dir, "--as-of", "2026-04-01", "--out", Path.Combine(dir, "out", "features.parquet"));
        Assert.Equal(0, features.ExitCode);
        Assert.Contains("Features as of 2026-04-01 (horizon 90 days): 120 customers", features.Output);
        Assert.True(File.Exists(Path.Combine(dir, "out", "features.parquet")));
    }

    [Fact]
    public void Demo_runs_on_the_committed_sample()
    {
        var dir = TempFolder.Create("cli");
        var registry = Path.Combine(dir, "models");
        var result = JourneyCli.Run("demo", "--out", dir, "--registry", registry);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2,000 customers", result.Output);
        Assert.Contains("customers who churned", result.Output);
        Assert.Contains("PROMOTED: first model in the registry", result.Output);
        Assert.Contains("Top 10 churn risks:", result.Output);
        Assert.True(File.Exists(Path.Combine(dir, "features.parquet")));
        Assert.Single(Directory.GetFiles(Path.Combine(registry, "snapshots"), "*.parquet"));

        // Run it again, as the README suggests: the second run is gated against the first and compared with its snapshot.
        var again = JourneyCli.Run("demo", "--out", dir, "--registry", registry);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("not worse than champion", again.Output);
    }

    [Theory]
    [InlineData("features", "--horizon", "ninety")]
    [InlineData("no-such-command")]
    [InlineData("features", "--as-of", "last tuesday")]
    public void Bad_arguments_exit_with_the_invalid_arguments_code(params string[] args)
    {
        var result = JourneyCli.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }

    [Fact]
    public void Help_lists_every_command()
    {
        // journeyml-tools is the tree with every command: the product's plus generate and bench.
        var result = JourneyCli.Tools("--help");
        Assert.Equal(0, result.ExitCode);
        // As a row of the command list: the bare word is in other commands' descriptions too ("build features").
        foreach (var command in new[] { "demo", "generate", "validate", "features", "bench" })
        {
            Assert.Matches($@"(?m)^  {command}  ", result.Output);
        }
    }

    [Fact]
    public void The_product_cli_has_no_generator_or_benchmark_commands()
    {
        var product = JourneyCli.Run("--help");
        Assert.Equal(0, product.ExitCode);
        Assert.Contains("  demo ", product.Output);
        Assert.DoesNotContain(product.Output.Split('\n'), l => l.StartsWith("  generate ", StringComparison.Ordinal) || l.StartsWith("  bench ", StringComparison.Ordinal));
        Assert.Equal(2, JourneyCli.Run("generate", "--out", TempFolder.Create("cli")).ExitCode);
    }
}
