using System.Text.Json;
using System.Text.Json.Nodes;
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
