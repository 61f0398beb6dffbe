namespace JourneyML.Cli.Tests;

/// <summary>
/// Progress on a long step as a night-shift operator's log shows it: with standard error redirected, log lines with counts
/// every few seconds (here every millisecond, so every step writes them), on standard error only.
/// </summary>
public sealed class ProgressCommandTests
{
    private static readonly Dictionary<string, string> s_quickLog = new()
    {
        ["JOURNEYML_PROGRESS"] = "log",
        ["JOURNEYML_PROGRESS_SECONDS"] = "0.001",
    };

    [Fact]
    public void A_redirected_run_writes_progress_lines_with_counts_to_standard_error_and_leaves_standard_output_the_result()
    {
        var dir = TempFolder.Create("cli-progress");
        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 200);

        var features = JourneyCli.RunWith(s_quickLog, "features", "--data", data, "--out", Path.Combine(dir, "features.parquet"));
        Assert.True(features.ExitCode == ExitCodes.Success, features.Output + features.Error);
        Assert.Matches(@"\[\d\d:\d\d:\d\d PRG\] building features as of 2026-04-02: done, [\d,]+ events, [\d.]+ s", features.Error);

        var journey = JourneyCli.RunWith(s_quickLog, "journey", "--data", data, "--registry", Path.Combine(dir, "models"), "--out", Path.Combine(dir, "map"));
        Assert.True(journey.ExitCode == ExitCodes.Success, journey.Output + journey.Error);
        Assert.Matches(@"PRG\] reading and grouping events: done, [\d,]+ events", journey.Error);
        Assert.Matches(@"PRG\] stage timelines: done, \d+ dates", journey.Error);
        // Standard output is the map's Markdown and nothing else: no progress line, no log line in it.
        Assert.StartsWith("#", journey.Output.TrimStart());
        Assert.DoesNotContain("PRG]", journey.Output);
        Assert.DoesNotContain("INF]", journey.Output);

        var quiet = JourneyCli.RunWith(new Dictionary<string, string> { ["JOURNEYML_PROGRESS"] = "off" }, "features", "--data", data, "--out", Path.Combine(dir, "quiet.parquet"));
        Assert.DoesNotContain("PRG]", quiet.Error);
    }
}
