using JourneyML.Core.Registry;

namespace JourneyML.Cli.Tests;

/// <summary>The model lifecycle as an operator drives it from the command line: train, score, list, export, retrain, promote, roll back.</summary>
public sealed class ModelCommandTests
{
    [Fact]
    public void Train_score_export_retrain_and_roll_back_from_the_command_line()
    {
        var registry = TempFolder.Create("cli");
        // Trained through journeyml-tools: the same train command, handed the sample's ground truth as the oracle.
        var train = JourneyCli.Tools("train", "--registry", registry, "--fixed-trainer");
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("PROMOTED: first model in the registry", train.Output);
        Assert.Contains("against the planted truth: segments ARI", train.Output);
        var first = Directory.GetDirectories(registry).Select(Path.GetFileName).Single(d => !d!.StartsWith('.'))!;
        Assert.True(File.Exists(Path.Combine(registry, first, "report.html")));

        var score = JourneyCli.Run("score", "--registry", registry, "--as-of", "2026-06-01", "--csv");
        Assert.Equal(0, score.ExitCode);
        Assert.Contains("Top 10 churn risks:", score.Output);
        Assert.Contains("first snapshot", score.Output);
        Assert.Single(Directory.GetFiles(Path.Combine(registry, "snapshots"), "*.csv"));

        var segments = JourneyCli.Run("segments", "list", "--registry", registry);
        Assert.Equal(0, segments.ExitCode);
        Assert.Matches(@"churn \d+%", segments.Output); // each segment's churn rate, not the word in a name
        var members = Path.Combine(registry, "segment-0.csv");
        var export = JourneyCli.Run("segments", "export", "0", "--out", members, "--registry", registry);
        Assert.Equal(0, export.ExitCode);
        Assert.StartsWith("rank,customer_id,account_id,status,segment_id", File.ReadAllText(members));
        Assert.True(File.ReadAllLines(members).Length > 10);

        // The nightly job: retrain on the same data, gate against the champion, score again (changes since the last snapshot).
        var retrain = JourneyCli.Run("retrain", "--registry", registry, "--fixed-trainer", "--layout", "salesforce", "--excel");
        Assert.Equal(0, retrain.ExitCode);
        // --layout and --excel ask for the ranked list as score does: a Salesforce import file Excel opens as written.
        var ranked = Directory.GetFiles(Path.Combine(registry, "snapshots"), "*.csv").Order(StringComparer.Ordinal).Last(); // named by as-of date
        var rankedBytes = File.ReadAllBytes(ranked);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, rankedBytes[..3]);
        Assert.Contains("JourneyML_Churn_Risk__c", File.ReadLines(ranked).First());
        Assert.Contains("PROMOTED: not worse than champion " + first, retrain.Output);
        Assert.Contains("drift: no feature or score above PSI 0.2", retrain.Output);
        Assert.Contains("changes against", retrain.Output);
        Assert.Contains("Journey map: 2,000 customers", retrain.Output);
        Assert.True(File.Exists(Path.Combine(registry, "journeys", "all", "journey-map.html")));

        var list = JourneyCli.Run("models", "list", "--registry", registry);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(2, list.Output.Split('\n').Count(l => l.Contains(" behaviour-logs ")));
        var rollback = JourneyCli.Run("models", "rollback", "--registry", registry);
        Assert.Equal(0, rollback.ExitCode);
        Assert.Contains($"Champion is now {first}", rollback.Output);

        var show = JourneyCli.Run("models", "show", first, "--registry", registry);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("\"version\": \"" + first + "\"", show.Output);
        var traversal = JourneyCli.Run("models", "show", "../../etc", "--registry", registry);
        Assert.Equal(2, traversal.ExitCode);
        Assert.Contains("is not a model version", traversal.Error);

        // By hand, as through the API, only a version that loads becomes the champion.
        var second = Directory.GetDirectories(registry).Select(d => Path.GetFileName(d)!).Single(d => ModelRegistry.IsValidVersion(d) && d != first);
        File.WriteAllText(Path.Combine(registry, second, "churn.zip"), "not a model");
        var refused = JourneyCli.Run("models", "promote", second, "--registry", registry);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"model {second} failed to load", refused.Error);
        Assert.Equal(first, new ModelRegistry(registry).Champion()!.Version);
    }

    [Fact]
    public void Scoring_without_a_champion_says_what_to_do()
    {
        var result = JourneyCli.Run("score", "--registry", TempFolder.Create("cli"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no champion model", result.Error);
    }

    [Fact]
    public void A_ready_feature_table_trains_through_the_same_sweep()
    {
        var dir = TempFolder.Create("cli");
        var table = Path.Combine(dir, "features.csv");
        var features = JourneyCli.Run("features", "--as-of", "2026-04-01", "--out", table);
        Assert.Equal(0, features.ExitCode);
        // Keep the active customers and their churn label, as a warehouse table would hold them.
        var lines = File.ReadAllLines(table);
        var header = lines[0].Split(',');
        int status = Array.IndexOf(header, "status"), label = Array.IndexOf(header, "label_churned"), conversion = Array.IndexOf(header, "label_converted");
        var kept = lines.Skip(1).Where(l => l.Split(',')[status] == "customer")
            .Select(l => string.Join(',', l.Split(',').Where((_, i) => i != status && i != conversion)));
        var headerOut = string.Join(',', header.Where((_, i) => i != status && i != conversion)).Replace("label_churned", "churned_next_quarter");
        var warehouse = Path.Combine(dir, "warehouse.csv");
        File.WriteAllLines(warehouse, kept.Prepend(headerOut));

        var registry = Path.Combine(dir, "models");
        var train = JourneyCli.Run("train", "--feature-table", warehouse, "--label", "churned_next_quarter", "--registry", registry);
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("(feature-table)", train.Output);
        Assert.Contains("churn: ", train.Output);
        Assert.Contains("segments: ", train.Output);

        // ...and scores through the same champion: segments, churn risk and factors for every row of the table.
        var score = JourneyCli.Run("score", "--feature-table", warehouse, "--registry", registry, "--csv");
        Assert.Equal(0, score.ExitCode);
        Assert.Contains("Top 10 churn risks:", score.Output);
        Assert.Single(Directory.GetFiles(Path.Combine(registry, "snapshots"), "*.csv"));
        var snapshot = JourneyML.Core.Scoring.Snapshot.Read(Directory.GetFiles(Path.Combine(registry, "snapshots"), "*.parquet").Single());
        Assert.Equal(kept.Count(), snapshot.Count);
        Assert.DoesNotContain(snapshot.ChurnRisk, float.IsNaN); // every row has a churn risk
        Assert.DoesNotContain(snapshot.Factors, string.IsNullOrEmpty);
    }
}

public sealed class ParquetTrainingTests
{
    [Fact]
    public void Training_on_a_parquet_export_recovers_the_planted_segments()
    {
        // Runs in the CLI's own process (journeyml-tools, with the product's server GC and parallel row-group reads): where text read from Parquet once got
        // overwritten by a later read, the ground truth no longer matched and the segments' ARI fell to 0.
        var dir = TempFolder.Create("cli");
        Assert.Equal(0, JourneyCli.Tools("generate", "--customers", "6000", "--seed", "12", "--format", "parquet", "--out", dir).ExitCode);
        var train = JourneyCli.Tools("train", "--data", dir, "--as-of", "2026-04-01", "--registry", Path.Combine(dir, "models"), "--fixed-trainer");
        Assert.Equal(0, train.ExitCode);
        var ari = System.Text.RegularExpressions.Regex.Match(train.Output, "segments ARI ([0-9.]+)");
        Assert.True(ari.Success, train.Output);
        Assert.True(double.Parse(ari.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0.8, train.Output);
    }
}
