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
}
