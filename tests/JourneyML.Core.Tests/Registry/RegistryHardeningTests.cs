using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;
using JourneyML.Core.Tests.Prediction;

namespace JourneyML.Core.Tests.Registry;

/// <summary>The registry as a night-shift operator meets it: racing promotions, a damaged pointer, copied folders, killed runs.</summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class RegistryHardeningTests(TrainedModels trained)
{
    private ModelRegistry CopyRegistry() => new(TempFolder.Copy(trained.RegistryPath, TempFolder.Create("registry")));

    [Fact]
    public void Promote_checks_every_file_of_a_version_against_its_manifest()
    {
        var registry = CopyRegistry();
        var good = registry.Champion()!.Version;
        var source = registry.VersionDirectory(good);
        Assert.NotNull(registry.Find(good)!.ManifestSha256);
        var manifest = File.ReadAllText(Path.Combine(source, ModelRegistry.ManifestFile));
        Assert.Contains("\"churn.zip\"", manifest);
        Assert.Contains("\"report.html\"", manifest);

        // A folder holding only a copied metadata file.
        var copied = Version(registry, "20990102-000000-0000000a", source, onlyMetadata: true);
        Assert.Contains("manifest.json is missing", Refused(registry, copied));
        // A model file cut short, then one changed without changing its size.
        var truncated = Version(registry, "20990102-000000-0000000b", source);
        var churn = Path.Combine(registry.VersionDirectory(truncated), "churn.zip");
        var bytes = File.ReadAllBytes(churn);
        File.WriteAllBytes(churn, bytes[..(bytes.Length / 2)]);
        Assert.Contains($"churn.zip has {bytes.Length / 2:N0} bytes, {bytes.Length:N0} were written", Refused(registry, truncated));
        var changed = Version(registry, "20990102-000000-0000000c", source);
        var report = Path.Combine(registry.VersionDirectory(changed), "report.md");
        File.WriteAllText(report, new string('x', (int)new FileInfo(report).Length));
        Assert.Contains("report.md changed since it was written", Refused(registry, changed));
        // A swapped manifest shows too.
        var swapped = Version(registry, "20990102-000000-0000000d", source);
        File.AppendAllText(Path.Combine(registry.VersionDirectory(swapped), ModelRegistry.ManifestFile), " ");
        Assert.Contains("manifest.json differs from the one recorded at commit", Refused(registry, swapped));
        Assert.Equal(good, registry.Champion()!.Version);

        // A version from before manifests: no manifest recorded, so its models are loaded whole instead, and it is promoted.
        var older = Version(registry, "20990102-000000-0000000e", source);
        var metadataPath = Path.Combine(registry.VersionDirectory(older), ModelRegistry.MetadataFile);
        var node = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsObject();
        node.Remove("manifestSha256");
        File.WriteAllText(metadataPath, node.ToJsonString());
        File.Delete(Path.Combine(registry.VersionDirectory(older), ModelRegistry.ManifestFile));
        Assert.Equal(older, registry.PromoteLoadable(older, "old version", DateTime.UtcNow).Version);
    }

    [Fact]
    public void Leftovers_of_killed_runs_go_on_the_next_run_once_their_process_is_gone()
    {
        var registry = CopyRegistry();
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

    private static string Version(ModelRegistry registry, string version, string source, bool onlyMetadata = false)
    {
        var target = registry.VersionDirectory(version);
        if (onlyMetadata)
        {
            Directory.CreateDirectory(target);
            File.Copy(Path.Combine(source, ModelRegistry.MetadataFile), Path.Combine(target, ModelRegistry.MetadataFile));
        }
        else
        {
            TempFolder.Copy(source, target);
        }
        return version;
    }

    private static string Refused(ModelRegistry registry, string version)
    {
        var refused = Assert.Throws<ModelLoadException>(() => registry.PromoteLoadable(version, "by hand", DateTime.UtcNow));
        Assert.Contains("the champion is unchanged", refused.Message);
        return refused.Message;
    }
}
