using JourneyML.Core.Errors;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Tests.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Registry;

[Collection(TrainedModelsCollection.Name)]
public sealed class RegistryTests(TrainedModels trained)
{
    private string CopyRegistry() => TempFolder.Copy(trained.RegistryPath, TempFolder.Create("registry"));

    [Fact]
    public void A_training_run_writes_a_complete_version_and_promotes_the_first_one()
    {
        var registry = new ModelRegistry(trained.RegistryPath);
        var version = trained.Result.Metadata.Version;
        Assert.Matches("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}-[0-9a-f]{4}$", version);
        Assert.Equal(version, registry.Champion()!.Version);
        var dir = registry.VersionDirectory(version);
        foreach (var file in new[] { "metadata.json", "segments.json", "churn.zip", "churn.json", "lead.zip", "lead.json", "report.md", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        }
        var metadata = registry.Find(version)!;
        Assert.True(metadata.Complete);
        Assert.Equal(TrainedModels.ReferenceAsOf, metadata.AsOf);
        Assert.Equal(trained.Result.Metadata.Churn!.Holdout.Auc, metadata.Churn!.Holdout.Auc);
        Assert.Equal(11, metadata.Segmentation.Candidates.Count); // every k from 2 to 12
        Assert.True(metadata.Promotion!.Promoted);
    }

    [Fact]
    public void An_interrupted_run_leaves_no_version_that_looks_complete_and_the_champion_untouched()
    {
        var registry = new ModelRegistry(CopyRegistry());
        var champion = registry.Champion()!.Version;
        var staged = registry.BeginVersion("20991231-235959-deadbeef");
        File.WriteAllText(Path.Combine(staged.Directory, "churn.zip"), "half written");
        // The process dies here: no Commit, no Dispose. The half-written folder is hidden and not a version.
        Assert.DoesNotContain(registry.List(), m => m.Version == "20991231-235959-deadbeef");
        Assert.Null(registry.Find("20991231-235959-deadbeef"));
        Assert.Equal(champion, registry.Champion()!.Version);
        // A staging folder whose process still runs (this one) is another run at work: the next run leaves it alone
        // (RegistryHardeningTests: one whose process is gone is removed).
        using (registry.BeginVersion("20991231-235959-feedbeef"))
        {
        }
        Assert.Single(Directory.GetDirectories(registry.Root, ".staging-*"));
    }

    [Fact]
    public void Version_strings_never_reach_the_file_system_unchecked()
    {
        var registry = new ModelRegistry(trained.RegistryPath);
        foreach (var bad in new[] { "../etc", "..", "/tmp/x", "20261129-071326-f694739", "20261129-071326-F6947392/../x" })
        {
            Assert.Throws<InvalidInputException>(() => registry.VersionDirectory(bad));
        }
    }

    [Fact]
    public void A_worse_challenger_is_kept_not_promoted_force_promotes_it_and_rollback_restores_the_champion()
    {
        var path = CopyRegistry();
        var registry = new ModelRegistry(path);
        var champion = registry.Champion()!.Version;
        // A deliberately weak challenger: a two-leaf, three-tree forest.
        var weak = new CandidateSpec(CandidateSpec.FastForest, new Dictionary<string, double> { ["leaves"] = 2, ["trees"] = 3, ["minLeaf"] = 500 });
        var options = new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = trained.DataDirectory, AsOf = TrainedModels.ReferenceAsOf },
            RegistryPath = path,
            Candidates = [weak],
            Clock = new FixedClock(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        };
        var kept = TrainingRun.Run(options, NullLogger.Instance);
        Assert.False(kept.Metadata.Promotion!.Promoted);
        Assert.Contains("below the champion's", kept.Metadata.Promotion.Reason);
        Assert.Contains("beyond holdout noise", kept.Metadata.Promotion.Reason);
        Assert.All(kept.Metadata.Promotion.Comparisons, c => Assert.NotNull(c.DifferenceUpper95));
        Assert.Equal(champion, registry.Champion()!.Version);
        Assert.Contains(registry.List(), m => m.Version == kept.Metadata.Version);
        // Drift against the champion is measured; same data, so nothing is flagged.
        Assert.NotEmpty(kept.Metadata.Drift);
        Assert.DoesNotContain(kept.Metadata.Drift, d => d.Flagged && !d.Name.EndsWith("_score", StringComparison.Ordinal));

        var forced = TrainingRun.Run(options with { Force = true, Clock = new FixedClock(new DateTime(2030, 1, 2, 0, 0, 0, DateTimeKind.Utc)) }, NullLogger.Instance);
        Assert.True(forced.Metadata.Promotion!.Forced);
        Assert.Equal(forced.Metadata.Version, registry.Champion()!.Version);

        var back = registry.Rollback(DateTime.UtcNow);
        Assert.Equal(champion, back.Version);
        Assert.Equal(champion, registry.Champion()!.Version);
        // Segment ids stayed matched to the champion's.
        Assert.Empty(kept.Metadata.Segmentation.NewSegments);
    }

    [Fact]
    public void By_hand_only_a_version_that_loads_becomes_the_champion_and_rollback_brings_back_only_one_that_loads()
    {
        var registry = new ModelRegistry(CopyRegistry());
        var good = registry.Champion()!.Version;
        Assert.Throws<ConflictException>(() => registry.RollbackLoadable(DateTime.UtcNow)); // the first champion: nothing before it
        const string broken = "20991231-235959-deadbeef";
        foreach (var file in Directory.EnumerateFiles(registry.VersionDirectory(good)))
        {
            Directory.CreateDirectory(registry.VersionDirectory(broken));
            File.Copy(file, Path.Combine(registry.VersionDirectory(broken), Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(registry.VersionDirectory(broken), ModelRegistry.ChurnModel + ".zip"), "not a model");

        var refused = Assert.Throws<ModelLoadException>(() => registry.PromoteLoadable(broken, "by hand", DateTime.UtcNow));
        Assert.Equal(broken, refused.Version);
        Assert.Contains("the champion is unchanged", refused.Message);
        Assert.Equal(good, registry.Champion()!.Version);
        Assert.Throws<NotFoundException>(() => registry.PromoteLoadable("20991231-235959-feedbeef", "by hand", DateTime.UtcNow));
        // A host's own check (its warm-up) refuses as well.
        Assert.Throws<ModelLoadException>(() => registry.PromoteLoadable(good, "by hand", DateTime.UtcNow, _ => throw new InvalidOperationException("warm-up failed")));
        Assert.Equal(good, registry.PromoteLoadable(good, "by hand", DateTime.UtcNow).Version);

        // The broken version made champion without the check (as an old CLI would): rolling back to the good one loads, so it goes...
        registry.Promote(broken, "unchecked", DateTime.UtcNow);
        Assert.Equal(good, registry.RollbackLoadable(DateTime.UtcNow).Version);
        // ...and now the previous champion is the broken one: rollback refuses it, and the champion stays.
        Assert.Throws<ModelLoadException>(() => registry.RollbackLoadable(DateTime.UtcNow));
        Assert.Equal(good, registry.Champion()!.Version);
    }

    [Fact]
    public void Psi_is_near_zero_for_the_same_population_and_flags_a_shift()
    {
        var random = new Random(3);
        var baseline = Drift.Describe("x", Enumerable.Range(0, 20_000).Select(_ => (float)random.NextDouble() * 10));
        var same = Enumerable.Range(0, 20_000).Select(_ => (float)random.NextDouble() * 10);
        var shifted = Enumerable.Range(0, 20_000).Select(_ => (float)random.NextDouble() * 10 + 3);
        Assert.True(Drift.Psi(baseline, same) < 0.01);
        Assert.True(Drift.Psi(baseline, shifted) > Drift.FlagThreshold);
        var withMissing = Enumerable.Range(0, 20_000).Select(i => i % 3 == 0 ? float.NaN : (float)random.NextDouble() * 10);
        Assert.True(Drift.Psi(baseline, withMissing) > Drift.FlagThreshold, "a third of values going missing is a shift");
    }
}
