using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;
using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Tests.Benchmarks;

public sealed class PeerBenchTests
{
    private static readonly DateTime s_asOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    // The committed sample's settings (data-samples/README.md), generated afresh: the generator writes the same files for the same seed.
    private static readonly Lazy<(FeatureTable Table, KnownTruthRows Truth)> s_sample = new(() =>
    {
        var directory = Samples.Sample;
        var table = BehaviourFeatures.Build(Dataset.Open(directory, new ValidationReport()), new FeatureOptions { AsOf = s_asOf }).Table;
        return (table, GroundTruth.TryLoad(directory)!.AlignTo(table.CustomerIds));
    });

    [Fact]
    public void The_shared_table_reads_back_with_the_sweeps_own_holdout_and_the_planted_segments()
    {
        var (table, truth) = s_sample.Value;
        var path = Path.Combine(TempFolder.Create("peers"), "table.csv");
        var written = PeerBenchTable.Write(table, truth, path);
        var read = PeerBenchTable.Read(path);

        // The features both sides see are exactly the feature table's, and nothing of the benchmark's leaks into them.
        Assert.Equal(table.Columns.Select(c => c.Name), read.Table.Columns.Select(c => c.Name));
        foreach (var column in table.Columns.OfType<NumericColumn>())
        {
            Assert.Equal(column.Values, read.Table.NumbersOrNull(column.Name));
        }
        Assert.Equal(written.HoldoutRows, read.HoldoutRows);
        Assert.Equal(written.TrainRows, read.TrainRows);
        Assert.Equal(truth.Segment, read.PlantedSegments);
        Assert.Equal(7, read.PlantedK);

        // The holdout is the one the selection sweep makes itself, so the sweep and the fixed trainers are measured on the same rows.
        var sweep = ClassifierTraining.Train(read.Table, PredictionTask.Churn, PeerBenchTable.ChurnPopulation(read.Table),
            new ClassifierOptions { Candidates = [CandidateSpec.DefaultSweep[^1]] });
        Assert.Equal(read.HoldoutRows, sweep.HoldoutRows);
        Assert.Empty(read.TrainRows.Intersect(read.HoldoutRows));
    }

    [Fact]
    public void A_repeated_table_has_every_row_again_under_new_ids_with_its_planted_truth()
    {
        var (table, truth) = s_sample.Value;
        int rows = 2 * table.RowCount + 17;
        var (tiled, tiledTruth) = PeerBenchTable.Tile(table, truth, rows);

        Assert.Equal(rows, tiled.RowCount);
        Assert.Equal(rows, tiled.CustomerIds.Distinct().Count());
        Assert.Equal(table.CustomerIds, tiled.CustomerIds[..table.RowCount]);
        Assert.Equal(table.CustomerIds[0] + "~3", tiled.CustomerIds[2 * table.RowCount]);
        var accounts = table.AccountIds!.Where(a => a is not null).Distinct().Count();
        Assert.Equal(2 * accounts + table.AccountIds![..17].Where(a => a is not null).Distinct().Count(), tiled.AccountIds!.Where(a => a is not null).Distinct().Count());
        for (int r = 0; r < rows; r++)
        {
            int source = r % table.RowCount;
            Assert.Equal(truth.Segment[source], tiledTruth.Segment[r]);
            Assert.Equal(table.Labels[LabelNames.Churn][source], tiled.Labels[LabelNames.Churn][r]);
            Assert.Equal(table.Status![source], tiled.Status![r]);
        }
        foreach (var column in table.Columns.OfType<NumericColumn>())
        {
            Assert.Equal(column.Values.Concat(column.Values).Concat(column.Values[..17]), tiled.Numbers(column.Name));
        }
        Assert.Throws<ArgumentException>(() => PeerBenchTable.Tile(table, truth, table.RowCount - 1));
    }

    [Fact]
    public void Results_go_into_the_against_peers_section_and_the_run_log_stays_last()
    {
        const string results = "# Benchmark results\n\n## Feature building\n\ntext\n\n## Run log\n\n| date | what |\n|---|---|\n| 2026-11-29 | a row |\n";
        var first = PeerBenchReport.InsertIntoResults(results, "### 100,000 customers\n\nfirst table\n");
        var second = PeerBenchReport.InsertIntoResults(first, "### 1,000,000 customers\n\nsecond table\n");

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(second, "## Against peers"));
        int section = second.IndexOf("## Against peers", StringComparison.Ordinal);
        int a = second.IndexOf("### 100,000 customers", StringComparison.Ordinal);
        int b = second.IndexOf("### 1,000,000 customers", StringComparison.Ordinal);
        int log = second.IndexOf("## Run log", StringComparison.Ordinal);
        Assert.True(second.IndexOf("## Feature building", StringComparison.Ordinal) < section);
        Assert.True(section < a && a < b && b < log, second);
        // A row appended at the end of the file still lands in the run log's table.
        Assert.EndsWith("| 2026-11-29 | a row |\n", second);
    }
}
