using System.Text.Json.Nodes;
using JourneyML.Core.Scoring;

namespace JourneyML.Cli.Tests;

/// <summary>
/// <c>train --features</c> and <c>score --features</c>: a table <c>features</c> wrote is reused instead of built again, gives
/// exactly what a run without it gives, and is refused, naming the file and what differs, when it does not fit the run.
/// </summary>
public sealed class FeatureReuseCommandTests
{
    [Fact]
    public void Train_and_score_with_the_features_file_equal_the_runs_that_build_them()
    {
        var dir = TempFolder.Create("cli-reuse");
        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 400);
        var atT = Path.Combine(dir, "features.parquet");
        var now = Path.Combine(dir, "now.csv");
        Succeeds(JourneyCli.Run("features", "--data", data, "--out", atT));
        Succeeds(JourneyCli.Run("features", "--data", data, "--as-of", $"{SteadyWorld.DataAsOf:yyyy-MM-dd}", "--out", now));

        string built = Path.Combine(dir, "built"), reused = Path.Combine(dir, "reused");
        Succeeds(JourneyCli.Run("train", "--data", data, "--registry", built, "--fixed-trainer", "--force"));
        var train = Succeeds(JourneyCli.Run("train", "--data", data, "--registry", reused, "--fixed-trainer", "--force", "--features", atT));
        Assert.Matches(@"Reused the features as of 2026-04-02 of \d+ customers from .*features\.parquet", train.Error);
        Assert.Equal(Comparable(built), Comparable(reused));

        Succeeds(JourneyCli.Run("score", "--data", data, "--registry", built));
        var score = Succeeds(JourneyCli.Run("score", "--data", data, "--registry", reused, "--features", now));
        Assert.Contains("Reused the features as of 2026-07-01", score.Error);
        var (a, b) = (LatestSnapshot(built), LatestSnapshot(reused));
        Assert.Equal(a.CustomerIds, b.CustomerIds);
        Assert.Equal(a.ChurnRisk, b.ChurnRisk);
        Assert.Equal(a.LeadScore, b.LeadScore);
        Assert.Equal(a.Stage, b.Stage);
        Assert.Equal(a.SegmentNames, b.SegmentNames);
        Assert.Equal(a.Factors, b.Factors);
    }

    [Fact]
    public void A_table_that_does_not_fit_the_run_is_refused_naming_the_file_and_what_differs()
    {
        var dir = TempFolder.Create("cli-reuse-stale");
        var data = Path.Combine(dir, "data");
        SteadyWorld.Write(data, customers: 150);
        var table = Path.Combine(dir, "features.csv");
        Succeeds(JourneyCli.Run("features", "--data", data, "--out", table));
        var registry = Path.Combine(dir, "models");

        // A table features wrote and a user's own table are two different inputs: giving both is an argument mistake.
        var both = JourneyCli.Run("score", "--data", data, "--registry", registry, "--features", table, "--feature-table", table);
        Assert.Equal(ExitCodes.InvalidArguments, both.ExitCode);
        Assert.Contains("give one of them", both.Error);

        var horizon = JourneyCli.Run("train", "--data", data, "--registry", registry, "--features", table, "--horizon", "30");
        Refused(horizon, "features.csv", "horizon 90 days, this run's is 30", "as of 2026-04-02, this run is as of 2026-06-01");

        // The export grew after the table was written: a stale table.
        File.AppendAllText(Path.Combine(data, "events.csv"), "\n");
        Refused(JourneyCli.Run("train", "--data", data, "--registry", registry, "--features", table), "features.csv", "built from other data");
        Succeeds(JourneyCli.Run("features", "--data", data, "--out", table));

        // One value edited in the table: its rows no longer match its description.
        var lines = File.ReadAllLines(table);
        var cells = lines[1].Split(',');
        cells[^1] = cells[^1] == "1" ? "0" : "1";
        lines[1] = string.Join(',', cells);
        File.WriteAllLines(table, lines);
        Refused(JourneyCli.Run("train", "--data", data, "--registry", registry, "--features", table), "features.csv", "its rows changed");

        // A table with no description of how it was built (another tool's, or the description lost).
        File.Delete(table + ".journeyml.json");
        Refused(JourneyCli.Run("train", "--data", data, "--registry", registry, "--features", table), "features.csv", "does not say what it was built from");
        Assert.False(Directory.Exists(registry) && Directory.EnumerateDirectories(registry, "2*").Any(), "no model version from a refused table");
    }

    private static ProcessResult Succeeds(ProcessResult result)
    {
        Assert.True(result.ExitCode == ExitCodes.Success, result.Output + result.Error);
        return result;
    }

    private static void Refused(ProcessResult result, params string[] said)
    {
        Assert.Equal(ExitCodes.InvalidData, result.ExitCode);
        foreach (var words in said)
        {
            Assert.Contains(words, result.Error);
        }
    }

    /// <summary>The version's metadata without what differs between any two runs (times, the version's name, the manifest's hash).</summary>
    private static string Comparable(string registry)
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory.EnumerateDirectories(registry, "2*").Single(), "metadata.json")))!;
        Strip(metadata);
        return metadata.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Select(p => p.Key).ToList())
            {
                if (key is "version" or "createdAt" or "manifestSha256" || key.EndsWith("seconds", StringComparison.OrdinalIgnoreCase))
                {
                    o.Remove(key);
                }
                else
                {
                    Strip(o[key]);
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                Strip(item);
            }
        }
    }

    private static Snapshot LatestSnapshot(string registry) =>
        Snapshot.Read(Directory.EnumerateFiles(Path.Combine(registry, "snapshots"), "*.parquet").Single());
}
