namespace JourneyML.Cli.Tests;

public sealed class JourneyCommandTests
{
    [Fact]
    public void The_journey_map_is_rebuilt_for_a_window_and_a_segment()
    {
        var dir = TempFolder.Create("cli");
        var registry = Path.Combine(dir, "models");
        Assert.Equal(0, JourneyCli.Run("train", "--registry", registry, "--fixed-trainer").ExitCode);
        var all = JourneyCli.Run("journey", "--registry", registry, "--from", "2026-01-01", "--to", "2026-06-24", "--step", "14", "--out", Path.Combine(dir, "all"));
        Assert.Equal(0, all.ExitCode);
        Assert.Contains("# Journey map, 2026-01-01 to 2026-06-24", all.Output);
        Assert.Contains("2,000 customers", all.Output);
        Assert.Contains("| MQL |", all.Output);
        Assert.True(File.Exists(Path.Combine(dir, "all", "journey-map.json")));
        Assert.True(File.Exists(Path.Combine(dir, "all", "journey-map.html")));

        var segment = JourneyCli.Run("journey", "--registry", registry, "--segment", "3", "--step", "14", "--out", Path.Combine(dir, "segment"));
        Assert.Equal(0, segment.ExitCode);
        Assert.Contains("# Journey map: segment 3 ", segment.Output);
        var account = JourneyCli.Run("journey", "--registry", registry, "--account", "A00001", "--step", "14");
        Assert.Equal(0, account.ExitCode);
        Assert.Contains("account A00001", account.Output);
        Assert.True(File.Exists(Path.Combine(registry, "journeys", "account-A00001", "journey-map.html")));
        var unknown = JourneyCli.Run("journey", "--registry", registry, "--segment", "42", "--step", "14", "--out", Path.Combine(dir, "x"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("the champion has segments", unknown.Error);
    }

    [Fact]
    public void The_funnel_window_and_the_designed_journey_are_the_users_and_a_wrong_one_is_named()
    {
        var dir = TempFolder.Create("cli-analysis");
        var registry = Path.Combine(dir, "models");
        var designed = Path.Combine(dir, "designed.json");
        File.WriteAllText(designed, """{ "moves": [ { "from": "MQL", "to": "SQL" }, { "from": "SQL", "to": "Won" } ] }""");
        var wrong = JourneyCli.Run("journey", "--registry", registry, "--step", "14", "--designed", designed, "--out", Path.Combine(dir, "x"));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("designed.json: move 2, \"to\": \"Won\" is not a stage", wrong.Error);
        Assert.False(File.Exists(Path.Combine(dir, "x", "journey-map.json")));
        Assert.Equal(2, JourneyCli.Run("journey", "--registry", registry, "--step", "14", "--window", "0", "--out", Path.Combine(dir, "x")).ExitCode);

        File.WriteAllText(designed, """{ "moves": [ { "from": "Interest", "to": "MQL" }, { "from": "MQL", "to": "SQL" }, { "from": "SQL", "to": "Opportunity" } ] }""");
        var run = JourneyCli.Run("journey", "--registry", registry, "--step", "14", "--window", "45", "--designed", designed, "--out", Path.Combine(dir, "map"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("### Within 45 days", run.Output);
        Assert.DoesNotContain("### Within 30 days", run.Output);
        Assert.Contains("followed the designed journey (designed.json)", run.Output);
    }

    [Fact]
    public void Retrain_and_demo_take_the_same_window_and_designed_journey_and_refuse_a_wrong_one_before_training()
    {
        var dir = TempFolder.Create("cli-map-options");
        var registry = Path.Combine(dir, "models");
        var designed = Path.Combine(dir, "designed.json");
        // A wrong window or a missing design stops the run at once: nothing trained, no version written.
        var window = JourneyCli.Run("retrain", "--registry", registry, "--fixed-trainer", "--window", "0");
        Assert.Equal(2, window.ExitCode);
        Assert.Contains("--window 0: a conversion window is 1 to 730 days", window.Error);
        var missing = JourneyCli.Run("retrain", "--registry", registry, "--fixed-trainer", "--designed", designed);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("designed.json: no such file", missing.Error);
        Assert.False(Directory.Exists(registry) && Directory.EnumerateDirectories(registry).Any(d => File.Exists(Path.Combine(d, "metadata.json"))), "no model version is written");
        var demo = JourneyCli.Run("demo", "--registry", registry, "--out", Path.Combine(dir, "demo"), "--window", "1000");
        Assert.Equal(2, demo.ExitCode);
        Assert.Contains("--window 1000", demo.Error);
        Assert.False(Directory.Exists(Path.Combine(dir, "demo")), "the demo stops before it writes anything");

        File.WriteAllText(designed, """{ "moves": [ { "from": "Interest", "to": "MQL" }, { "from": "MQL", "to": "SQL" } ] }""");
        var run = JourneyCli.Run("retrain", "--registry", registry, "--fixed-trainer", "--no-backtest", "--window", "45", "120", "--designed", designed);
        Assert.Equal(0, run.ExitCode);
        var map = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(registry, "journeys", "all", "journey-map.json")))!;
        Assert.Equal([45, 120], map["funnel"]!["windowDays"]!.AsArray().Select(d => (int)d!));
        Assert.Equal("designed.json", (string?)map["conformance"]!["design"]);
        Assert.Equal(2, map["conformance"]!["allowed"]!.AsArray().Count);
    }
}
