using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Scoring;
using JourneyML.Core.Tests.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Scoring;

[Collection(TrainedModelsCollection.Name)]
public sealed class ScoringTests(TrainedModels trained)
{
    [Fact]
    public void Scoring_writes_snapshots_with_risks_factors_and_what_changed_since_the_last_one()
    {
        var registry = TempFolder.Create("scoring");
        foreach (var file in Directory.EnumerateFiles(trained.RegistryPath, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(registry, Path.GetRelativePath(trained.RegistryPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        ScoringResult Score(DateTime asOf, bool csv = false) => ScoringRun.Run(new ScoringOptions
        {
            Features = new FeatureRunOptions { DataDirectory = trained.DataDirectory, AsOf = asOf },
            RegistryPath = registry,
            WriteCsv = csv,
        }, NullLogger.Instance);

        var first = Score(new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Null(first.PreviousSnapshot);
        var s = first.Snapshot;
        Assert.Equal(15_000, s.Count);
        for (int r = 0; r < s.Count; r++)
        {
            Assert.Equal(s.Status[r] == CustomerStatus.Customer, !float.IsNaN(s.ChurnRisk[r]));
            Assert.Equal(s.Status[r] == CustomerStatus.Lead, !float.IsNaN(s.LeadScore[r]));
            Assert.NotEqual("", s.Factors[r]);
            Assert.Equal(s.Status[r] == CustomerStatus.Churned, s.Stage[r] == "Churned");
            Assert.Contains(s.SegmentIds[r], trained.Result.Segmentation.Model.SegmentIds);
        }

        var second = Score(new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc), csv: true);
        Assert.Equal(first.SnapshotPath, second.PreviousSnapshot);
        var ranked = second.RankedByRisk().Take(50).ToList();
        Assert.All(ranked, r => Assert.False(float.IsNaN(second.Snapshot.Change[r]) && second.Snapshot.ChangeReason[r] == ""));
        // A paying customer's change is in churn risk (a lead's is in lead score).
        int risen = Enumerable.Range(0, second.Snapshot.Count).Where(r => second.Snapshot.Status[r] == CustomerStatus.Customer && second.Snapshot.Change[r] > 0.15f).First();
        Assert.Matches("^risk up 0\\.[0-9]{2} since 2026-05-01", second.Snapshot.ChangeReason[risen]);
        Assert.True(File.Exists(second.CsvPath));
        // The CSV is the ranked churn-risk list: paying customers by risk (ranked 1..n, the churn-risk list's order), then leads, then churned customers.
        var csv = File.ReadAllLines(second.CsvPath!).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(second.Snapshot.Count, csv.Count);
        Assert.Equal(second.RankedByRisk().Select(r => second.Snapshot.CustomerIds[r]), csv.TakeWhile(c => c[3] == "customer").Select(c => c[1]));
        Assert.Equal(Enumerable.Range(1, second.Counts.Customers).Select(i => i.ToString(CultureInfo.InvariantCulture)), csv.Take(second.Counts.Customers).Select(c => c[0]));
        Assert.Equal([.. Enumerable.Repeat("customer", second.Counts.Customers), .. Enumerable.Repeat("lead", second.Counts.Leads), .. Enumerable.Repeat("churned", second.Counts.Churned)],
            csv.Select(c => c[3]));

        // The snapshot reads back as written: the risk history.
        var back = Snapshot.Read(second.SnapshotPath);
        Assert.Equal(second.Snapshot.CustomerIds, back.CustomerIds);
        Assert.Equal(second.Snapshot.ChurnRisk, back.ChurnRisk);
        Assert.Equal(second.Snapshot.ChangeReason, back.ChangeReason);
        Assert.Equal(second.Snapshot.Stage, back.Stage);
        Assert.Equal(new DateTime(2026, 6, 1), back.AsOf);
        Assert.Equal(2, Snapshot.List(Path.Combine(registry, "snapshots")).Count);
    }
}

public sealed class SnapshotOrderTests
{
    [Fact]
    public void A_snapshot_is_compared_with_the_latest_one_strictly_before_its_as_of_date()
    {
        var dir = TempFolder.Create("snapshots");
        foreach (var name in new[] { "20260501_20261101000000000_v.parquet", "20260501_20261102000000000_v.parquet", "20260601_20261103000000000_v.parquet", "20260701_20261104000000000_v.parquet" })
        {
            File.WriteAllText(Path.Combine(dir, name), "");
        }
        string? Previous(int month) => Snapshot.PreviousTo(dir, new DateTime(2026, month, 1, 0, 0, 0, DateTimeKind.Utc)) is { } p ? Path.GetFileName(p) : null;
        Assert.Equal("20260601_20261103000000000_v.parquet", Previous(7));  // the week before, not this date again
        Assert.Equal("20260501_20261102000000000_v.parquet", Previous(6));  // the newest run of that date
        Assert.Equal("20260501_20261102000000000_v.parquet", Previous(6));
        Assert.Null(Previous(5));                                            // scoring an earlier date never compares with the future
        Assert.Null(Previous(4));
    }
}

[Collection(TrainedModelsCollection.Name)]
public sealed class ParallelScoringTests(TrainedModels trained)
{
    [Fact]
    public void Scoring_in_parallel_blocks_gives_the_same_risks_and_factors_as_one_block()
    {
        var models = new JourneyML.Core.Registry.ModelRegistry(trained.RegistryPath).Load(trained.Result.Metadata.Version);
        int original = Scorer.BatchBlockSize;
        try
        {
            Scorer.BatchBlockSize = 1_000_000;
            var one = BatchScoring.Score(trained.Result.Table, models, 3);
            Scorer.BatchBlockSize = 700; // about a dozen blocks per task, scored on every core at once
            var many = BatchScoring.Score(trained.Result.Table, models, 3);
            Assert.Equal(one.ChurnRisk, many.ChurnRisk);
            Assert.Equal(one.LeadScore, many.LeadScore);
            Assert.Equal(one.Factors, many.Factors);
        }
        finally
        {
            Scorer.BatchBlockSize = original;
        }
    }
}
