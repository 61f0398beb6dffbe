using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Data;

namespace JourneyML.Core.Registry;

/// <summary>One file of a version as written at commit.</summary>
public sealed record ManifestEntry(string Path, long Bytes, string Sha256);

/// <summary>
/// A version's manifest: every file's size and SHA-256 recorded when the version is committed, so a promotion can tell a
/// whole version from a folder with a copied metadata file, a truncated model or a file changed since. The manifest's own
/// hash is in metadata.json (written after it), so a manifest cannot be swapped or lost without it showing.
/// </summary>
public sealed partial class ModelRegistry
{
    public const string ManifestFile = "manifest.json";

    /// <summary>Records every file under <paramref name="directory"/> in its manifest; returns the manifest's SHA-256.</summary>
    internal static string WriteManifest(string directory)
    {
        var entries = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => f != ManifestFile && f != MetadataFile && !f.EndsWith(AtomicFile.PartialSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => Describe(directory, f))
            .ToList();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(entries, ManifestJson.Default.IReadOnlyListManifestEntry);
        AtomicFile.WriteAllBytes(System.IO.Path.Combine(directory, ManifestFile), bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Checks every file of a version against its manifest.</summary>
    /// <exception cref="ModelLoadException">A file is missing, of another size or changed (the first one found is named).</exception>
    /// <remarks>Versions from before manifests (no <see cref="ModelMetadata.ManifestSha256"/>) pass here: their models are loaded whole instead.</remarks>
    public void VerifyFiles(string version)
    {
        var metadata = Find(version) ?? throw NotFound(version);
        if (metadata.ManifestSha256 is not { } expected)
        {
            return;
        }
        var directory = VersionDirectory(version);
        var manifestPath = System.IO.Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new ModelLoadException(version, $"{ManifestFile} is missing: the folder is not the version that was committed");
        }
        var bytes = File.ReadAllBytes(manifestPath);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != expected)
        {
            throw new ModelLoadException(version, $"{ManifestFile} differs from the one recorded at commit");
        }
        var entries = JsonSerializer.Deserialize(bytes, ManifestJson.Default.IReadOnlyListManifestEntry) ?? [];
        foreach (var entry in entries)
        {
            var found = Describe(directory, entry.Path, mustExist: false);
            if (found is null)
            {
                throw new ModelLoadException(version, $"{entry.Path} is missing");
            }
            if (found.Bytes != entry.Bytes)
            {
                throw new ModelLoadException(version, $"{entry.Path} has {found.Bytes:N0} bytes, {entry.Bytes:N0} were written");
            }
            if (found.Sha256 != entry.Sha256)
            {
                throw new ModelLoadException(version, $"{entry.Path} changed since it was written (its SHA-256 differs)");
            }
        }
    }

    private static ManifestEntry Describe(string directory, string relative) => Describe(directory, relative, mustExist: true)!;

    private static ManifestEntry? Describe(string directory, string relative, bool mustExist)
    {
        // Manifest paths come from a file on disk: nothing outside the version folder is opened.
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, relative));
        if (!full.StartsWith(System.IO.Path.GetFullPath(directory) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || (!mustExist && !File.Exists(full)))
        {
            return null;
        }
        using var stream = File.OpenRead(full);
        return new ManifestEntry(relative, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<ManifestEntry>))]
internal sealed partial class ManifestJson : JsonSerializerContext;
