using System.Globalization;
using System.Text.RegularExpressions;

namespace JourneyML.Cli.Tests;

/// <summary>
/// The peer benchmark at a tiny size, so its code cannot rot: every row of the table is produced with sane values.
/// Never a timing assertion. It needs Debian's python3-sklearn and python3-pandas (.ci/run installs them); without them
/// the command fails with a message naming the packages, and so does this test.
/// </summary>
public sealed partial class PeerBenchCommandTests
{
    [Fact]
    public void Bench_peers_at_2000_customers_produces_every_row_with_sane_values()
    {
        var work = TempFolder.Create("cli");
        var results = Path.Combine(work, "RESULTS.md");
        File.WriteAllText(results, "# Benchmark results\n\n## Journey map\n\ntext\n\n## Run log\n\n| date | what |\n|---|---|\n| 2026-11-29 | earlier row |\n");
        var run = JourneyCli.Tools("bench", "peers", "--customers", "2000", "--runs", "1", "--work", work, "--results", results);
        Assert.True(run.ExitCode == 0, $"bench peers failed (exit code {run.ExitCode}):\n{run.Error}");

        var rows = run.Output.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Select(Cells).ToList();
        string[] Row(string step) => rows.SingleOrDefault(r => r[0].StartsWith(step, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no row '{step}' in:\n{run.Output}");

        // Steps both sides ran: a time for each side, a positive ratio, peak memory for each side.
        foreach (var step in new[] { "segments: k-means, k = 7", "segments: choose k (2-12) and fit", "churn, gradient boosting: train", "churn, logistic regression: train" })
        {
            var row = Row(step);
            Assert.Matches(TimePattern(), row[3]);
            Assert.Matches(TimePattern(), row[4]);
            Assert.True(double.Parse(row[5], CultureInfo.InvariantCulture) > 0, step);
            Assert.Matches(@"^[\d,]+ MB$", row[8]);
            Assert.Matches(@"^[\d,]+ MB$", row[9]);
        }
        // Segment assignment like for like, twice: from the raw features (scaling on both sides) and from the same standardised floats.
        foreach (var step in new[] { "segments: assign every customer from the raw features", "segments: assign every customer from the standardised signals",
            "churn, gradient boosting: score every customer", "churn, logistic regression: score every customer" })
        {
            var row = Row(step);
            Assert.Matches(TimePattern(), row[3]);
            Assert.Matches(TimePattern(), row[4]);
        }
        // JourneyML's own steps: timed, and marked as having no peer.
        foreach (var step in new[] { "features from raw events", "churn: model selection, train", "churn: chosen model, calibrated", "churn: chosen model, score every customer with the top 3 factors", "journey map" })
        {
            var row = Row(step);
            Assert.Matches(TimePattern(), row[3]);
            Assert.StartsWith("none", row[2]);
        }
        Assert.Contains("api-load.sh", Row("serve predictions over HTTP")[1]);

        // Quality: AUCs between 0.5 and 1 on both sides, the oracle at least as good as chance, segments found.
        foreach (var (model, metric) in new[] { ("churn, gradient boosting", "ROC AUC"), ("churn, logistic regression", "ROC AUC") })
        {
            var row = rows.Single(r => r[0] == model && r[1] == metric);
            Assert.InRange(double.Parse(row[2], CultureInfo.InvariantCulture), 0.5, 1.0);
            Assert.InRange(double.Parse(row[3], CultureInfo.InvariantCulture), 0.5, 1.0);
        }
        foreach (var model in new[] { "churn, gradient boosting", "churn, logistic regression" })
        {
            var row = rows.Single(r => r[0] == model && r[1] == "PR-AUC");
            Assert.InRange(double.Parse(row[2], CultureInfo.InvariantCulture), 0.0, 1.0);
            Assert.InRange(double.Parse(row[3], CultureInfo.InvariantCulture), 0.0, 1.0);
        }
        var sweep = rows.Single(r => r[0].StartsWith("churn, JourneyML's selection (", StringComparison.Ordinal) && r[1] == "ROC AUC");
        Assert.InRange(double.Parse(sweep[2], CultureInfo.InvariantCulture), 0.5, 1.0);
        Assert.InRange(double.Parse(rows.Single(r => r[0].StartsWith("oracle", StringComparison.Ordinal))[2], CultureInfo.InvariantCulture), 0.5, 1.0);
        var segments = rows.Single(r => r[0].StartsWith("segments, k-means", StringComparison.Ordinal) && r[1].StartsWith("adjusted Rand", StringComparison.Ordinal));
        Assert.InRange(double.Parse(segments[2], CultureInfo.InvariantCulture), 0.3, 1.0);
        Assert.InRange(double.Parse(segments[3], CultureInfo.InvariantCulture), 0.3, 1.0);
        // The own k-means is at least as good as scikit-learn's on the same signals and number of starts (inertia, lower is better).
        var inertia = rows.Single(r => r[0].StartsWith("segments, k-means", StringComparison.Ordinal) && r[1].StartsWith("inertia", StringComparison.Ordinal));
        double ours = double.Parse(inertia[2], NumberStyles.Number, CultureInfo.InvariantCulture), peers = double.Parse(inertia[3], NumberStyles.Number, CultureInfo.InvariantCulture);
        Assert.True(ours > 0 && ours <= 1.01 * peers, $"inertia {ours} against the peer's {peers}");
        var chosen = rows.Single(r => r[0] == "segments, k chosen from the data" && r[1].StartsWith("chosen k", StringComparison.Ordinal));
        Assert.Matches("^k = [0-9]+$", chosen[2]);
        Assert.Matches("^k = [0-9]+$", chosen[3]);
        Assert.Contains("Goal, ROC AUC within 0.005 of the best peer's", run.Output);

        // The results file: a new section before the run log, which stays the last table.
        var text = File.ReadAllText(results);
        int section = text.IndexOf("## Against peers", StringComparison.Ordinal);
        int table = text.IndexOf("### 2,000 customers", StringComparison.Ordinal);
        int log = text.IndexOf("## Run log", StringComparison.Ordinal);
        Assert.True(section > 0 && section < table && table < log, text);
        Assert.EndsWith("| 2026-11-29 | earlier row |\n", text);
    }

    private static string[] Cells(string line) => [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    [GeneratedRegex(@"^\d+(\.\d+)? (s|ms)( \(.*\))?$")]
    private static partial Regex TimePattern();
}
