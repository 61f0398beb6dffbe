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
    public void Validate_lists_impossible_timelines_with_their_rows_and_counts_each_kind()
    {
        var result = JourneyCli.Run("validate", "--data", Samples.Bad("timelines"));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("events.csv, row 2, column 'occurred_at': event before the customer signed up (20.6 days before signed_up_at 2025-05-01)", result.Output);
        Assert.Contains("events.csv, row 8, column 'occurred_at': login after the customer churned on 2025-08-01 (their last cancellation event)", result.Output);
        Assert.Contains("events.csv, row 17, column 'occurred_at': login after the customer churned on 2025-10-01 (outcomes churned_at)", result.Output);
        Assert.Contains("outcomes.csv, row 3, column 'converted_at': outcome before the customer signed up", result.Output);
        Assert.Contains("events.csv: activity after churn with no later purchase: 3", result.Output);
        Assert.Contains("customers with logins or tickets after their churn and no purchase since: 2 (3 rows), rejected (set timelines.activityAfterChurn to keep", result.Output);
        // The reactivated customer (C3) and the win-back email (C2, row 9) are not impossible.
        Assert.DoesNotContain("row 9,", result.Output);
        Assert.DoesNotContain("row 13,", result.Output);
    }

    [Fact]
    public void Validate_accepts_impossible_timelines_the_mapping_keeps_and_still_counts_them()
    {
        var dir = TempFolder.Copy(Samples.Bad("timelines"), Path.Combine(TempFolder.Create("cli"), "export"));
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """
            { "dataAsOf": "2026-07-01T00:00:00Z", "timelines": { "eventsBeforeSignup": "keep", "activityAfterChurn": "keep", "outcomesBeforeSignup": "keep" } }
            """);
        var result = JourneyCli.Run("validate", "--data", dir);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No invalid rows.", result.Output);
        Assert.Contains("customers with logins or tickets after their churn and no purchase since: 2, kept (timelines.activityAfterChurn is keep)", result.Output);
        Assert.Contains("events before the customer signed up (more than 1 day(s); web page visits not counted): 1, kept", result.Output);
    }

    [Fact]
    public void Features_with_skip_invalid_skip_the_impossible_timelines_and_report_them()
    {
        var dir = TempFolder.Create("cli");
        var output = Path.Combine(dir, "features.csv");
        var result = JourneyCli.Run("features", "--data", Samples.Bad("timelines"), "--as-of", "2026-03-01", "--out", output, "--skip-invalid");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("events: 14 before T", result.Output);
        var report = File.ReadAllText(Path.Combine(dir, "features.report.md"));
        Assert.Contains("Invalid rows skipped: 5", report);
        Assert.Contains("events.csv, row 10, column 'occurred_at': ticket_opened after the customer churned on 2025-08-01", report);
        Assert.Contains("outcomes (churned_at, converted_at) before the customer signed up: 1, rejected", report);
    }

    [Fact]
    public void Validate_warns_when_no_churn_label_can_exist_and_names_the_unmapped_cancellation()
    {
        var result = JourneyCli.Run("validate", "--data", Samples.Bad("no-cancellation"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("churned: CANNOT EXIST (0 cancellation events, no outcomes table): no event type is mapped to 'cancellation' in events.types", result.Output);
        Assert.Contains("""
            "events": { "types": { "Subscription Cancelled": "cancellation" } }
            """, result.Output);
        Assert.Contains("event types not mapped (kept as 'other'; an unmapped cancellation or purchase name is the usual cause): 'Subscription Cancelled' 2, 'Feedback Survey Sent' 1", result.Output);
        Assert.Contains("Warning: `train` will train only the lead model", result.Output);
        Assert.Contains("converted: conversion labels (leads who purchase) can exist (3 purchase events", result.Output);
    }

    [Fact]
    public void Validate_fails_with_the_invalid_data_code_when_neither_label_can_exist()
    {
        var dir = TempFolder.Copy(Samples.Bad("no-cancellation"), Path.Combine(TempFolder.Create("cli"), "export"));
        File.WriteAllText(Path.Combine(dir, "journeyml.json"), """{ "dataAsOf": "2026-07-01T00:00:00Z", "events": { "types": { "App Opened": "login" } } }""");
        var result = JourneyCli.Run("validate", "--data", dir);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("No invalid rows.", result.Output);
        Assert.Contains("converted: CANNOT EXIST", result.Output);
        Assert.Contains("'Subscribed' 3", result.Output);
        Assert.Contains("Error: neither label can exist, so `train` has nothing to learn from", result.Output);
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
