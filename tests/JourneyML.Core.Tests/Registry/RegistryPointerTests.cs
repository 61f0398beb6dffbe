using System.Diagnostics;
using System.Text.Json.Nodes;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Tests.Registry;

/// <summary>The champion pointer under races and damage, version names and leftovers of killed runs; on versions holding only their metadata (none of this loads models).</summary>
public sealed class RegistryPointerTests
{
    [Fact]
    public void Promotions_racing_rollbacks_lose_no_promotion()
    {
        var registry = NewRegistry(out var first);
        var versions = FakeVersions(registry, 4);
        const int threads = 6, rounds = 8; // 24 promotions: the history (50 entries) never overflows
        var promoted = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            // Separate registry objects, as separate processes have: only the lock file is shared.
            var mine = new ModelRegistry(registry.Root);
            start.SignalAndWait();
            for (int i = 0; i < rounds; i++)
            {
                if (t % 2 == 0)
                {
                    var version = versions[(t + i) % versions.Count];
                    mine.Promote(version, $"thread {t} round {i}", DateTime.UtcNow);
                    promoted.Add(version);
                }
                else
                {
                    try
                    {
                        mine.Rollback(DateTime.UtcNow);
                    }
                    catch (ConflictException)
                    {
                        // Nothing to roll back to at that moment: a refusal, not a change.
                    }
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        // Each promotion adds its version to champion + history, and a rollback only moves one: none may vanish.
        var pointer = registry.Champion()!;
        var expected = promoted.Append(first).Order(StringComparer.Ordinal);
        Assert.Equal(expected, pointer.History.Select(h => h.Version).Append(pointer.Version).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_rollback_from_a_champion_that_changed_meanwhile_is_refused()
    {
        var registry = NewRegistry(out var first);
        var versions = FakeVersions(registry, 2);
        registry.Promote(versions[0], "test", DateTime.UtcNow);
        registry.Promote(versions[1], "meanwhile", DateTime.UtcNow);
        var refused = Assert.Throws<ConflictException>(() => registry.Rollback(DateTime.UtcNow, expectedChampion: versions[0]));
        Assert.Contains($"changed from {versions[0]} to {versions[1]}", refused.Message);
        Assert.Equal(versions[1], registry.Champion()!.Version);
        Assert.Equal([versions[0], first], registry.Champion()!.History.Select(h => h.Version));
    }

    [Theory]
    [InlineData("{\"version\": \"2026")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"version\": \"../../etc\", \"promotedAt\": \"2026-01-01T00:00:00Z\", \"reason\": \"x\", \"history\": []}")]
    public void A_damaged_champion_pointer_is_said_and_promote_repairs_it(string damaged)
    {
        var registry = NewRegistry(out var version);
        var path = Path.Combine(registry.Root, ModelRegistry.ChampionFile);
        File.WriteAllText(path, damaged);

        var said = Assert.Throws<RegistryDamagedException>(registry.Champion);
        Assert.Contains("champion.json is damaged", said.Message);
        Assert.Contains("journeyml models promote <version>", said.Message);
        Assert.Throws<RegistryDamagedException>(() => registry.Rollback(DateTime.UtcNow));
        Assert.Equal(damaged, File.ReadAllText(path)); // a refused rollback wrote nothing

        var repaired = registry.Promote(version, "repair", DateTime.UtcNow);
        Assert.True(repaired.Repaired);
        Assert.Equal(version, registry.Champion()!.Version);
        Assert.Empty(registry.Champion()!.History);
        Assert.Equal(damaged, File.ReadAllText(path + ".damaged"));
    }

    [Fact]
    public void Version_names_of_runs_in_the_same_second_on_the_same_data_differ_and_a_clash_is_refused()
    {
        var at = new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);
        var names = Enumerable.Range(0, 20).Select(_ => ModelRegistry.NewVersion(at, "f694739a")).ToHashSet();
        Assert.True(names.Count >= 19, "a random part tells apart runs finishing in the same second");
        Assert.All(names, n => Assert.True(ModelRegistry.IsValidVersion(n), n));
        Assert.Matches("^20260701-120000-f694739a-[0-9a-f]{4}$", names.First());

        var registry = NewRegistry(out var existing);
        var metadata = registry.Find(existing)!;
        using var staged = registry.BeginVersion(existing);
        var clash = Assert.Throws<ConflictException>(() => staged.Commit(metadata));
        Assert.Contains($"model version {existing} already exists", clash.Message);
    }

    [Fact]
    public void Leftovers_of_killed_runs_go_on_the_next_run_once_their_process_is_gone()
    {
        var registry = NewRegistry(out _);
        var dead = ExitedProcessTag();
        var reused = RunOwner.Tag(Environment.ProcessId, 1); // this pid, but another process's start time: a reused pid
        var killedTrain = Path.Combine(registry.Root, $".staging-20990101-000000-00000001-{dead}-0123");
        var reusedTrain = Path.Combine(registry.Root, $".staging-20990101-000000-00000002-{reused}-0123");
        Directory.CreateDirectory(killedTrain);
        Directory.CreateDirectory(reusedTrain);
        // A run of this process that is still writing (not committed, not disposed) keeps its folder.
        var running = registry.BeginVersion("20990101-000000-00000003");
        File.WriteAllText(Path.Combine(running.Directory, "churn.zip"), "being written");

        using (registry.BeginVersion("20990101-000000-00000004"))
        {
        }
        Assert.Equal([Path.GetFileName(running.Directory)], Directory.GetDirectories(registry.Root, ".staging-*").Select(Path.GetFileName));

        // Half-written snapshots of killed score runs go at the next write in the folder; another writer's stays.
        var snapshots = Directory.CreateDirectory(registry.SnapshotsDirectory).FullName;
        var killedScore = Path.Combine(snapshots, $".20260601_x.parquet.{dead}.0123{AtomicFile.PartialSuffix}");
        var alive = Path.Combine(snapshots, $".20260601_y.parquet.{RunOwner.Current}.0123{AtomicFile.PartialSuffix}");
        var unowned = Path.Combine(snapshots, $".20260601_z.parquet.0123{AtomicFile.PartialSuffix}"); // an older JourneyML's: goes after hours
        File.WriteAllText(killedScore, "half");
        File.WriteAllText(alive, "half");
        File.WriteAllText(unowned, "half");
        AtomicFile.WriteAllText(Path.Combine(snapshots, "note.txt"), "x");
        Assert.False(File.Exists(killedScore));
        Assert.True(File.Exists(alive));
        Assert.True(File.Exists(unowned));
        File.SetLastWriteTimeUtc(unowned, DateTime.UtcNow - RunOwner.UnownedAge - TimeSpan.FromMinutes(1));
        AtomicFile.WriteAllText(Path.Combine(snapshots, "note.txt"), "y");
        Assert.False(File.Exists(unowned));
    }

    /// <summary>The tag of a real process that has exited (its pid is free, or soon someone else's).</summary>
    private static string ExitedProcessTag()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "0.2") { UseShellExecute = false })!;
        var start = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        process.WaitForExit();
        return RunOwner.Tag(process.Id, start);
    }

    /// <summary>A registry with one version, promoted.</summary>
    private static ModelRegistry NewRegistry(out string champion)
    {
        var registry = new ModelRegistry(TempFolder.Create("registry"));
        champion = FakeVersions(registry, 1, first: 90)[0];
        registry.Promote(champion, "first model in the registry", DateTime.UtcNow);
        return registry;
    }

    /// <summary>Complete versions with only a metadata file: all the pointer's operations look at.</summary>
    private static IReadOnlyList<string> FakeVersions(ModelRegistry registry, int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i =>
        {
            var version = $"20990101-0000{i:00}-000000{i:00}";
            var metadata = new JsonObject
            {
                ["version"] = version, ["createdAt"] = "2099-01-01T00:00:00Z", ["mode"] = "behaviour-logs", ["dataFingerprint"] = "00000000",
                ["rows"] = new JsonObject(), ["features"] = new JsonArray(), ["segmentation"] = new JsonObject(),
                ["distributions"] = new JsonArray(), ["trainingSeconds"] = 0, ["complete"] = true,
            };
            Directory.CreateDirectory(registry.VersionDirectory(version));
            File.WriteAllText(Path.Combine(registry.VersionDirectory(version), ModelRegistry.MetadataFile), metadata.ToJsonString());
            Assert.NotNull(registry.Find(version));
            return version;
        })];
}
