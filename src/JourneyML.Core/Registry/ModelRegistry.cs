using JourneyML.Core.Data;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using JourneyML.Core.Prediction;
using JourneyML.Core.Segmentation;

namespace JourneyML.Core.Registry;

/// <summary>Which version serves, since when and why, and the champions before it (for rollback).</summary>
public sealed record ChampionPointer(string Version, DateTime PromotedAt, string Reason, IReadOnlyList<ChampionHistoryEntry> History)
{
    /// <summary>This write replaced a damaged pointer file (kept beside it as <c>champion.json.damaged</c>); its history was lost.</summary>
    [JsonIgnore]
    public bool Repaired { get; init; }
}

public sealed record ChampionHistoryEntry(string Version, DateTime PromotedAt, string Reason);

/// <summary>The models of one version, loaded for scoring.</summary>
public sealed record LoadedModels(ModelMetadata Metadata, SegmentationModel Segmentation, BinaryModel? Churn, BinaryModel? Lead, string Directory)
{
    /// <summary>The survival model (time to churn), when the version has one.</summary>
    public Survival.HazardModel? Survival { get; init; }
}

/// <summary>
/// The model registry on the file system (the embedded default: <c>models/</c>). A version is a folder
/// <c>&lt;yyyyMMdd-HHmmss&gt;-&lt;fingerprint&gt;</c> written under a hidden staging name and renamed into place only when
/// complete, so a failed or killed run never leaves a version that looks whole. The champion pointer is replaced
/// by an atomic rename, under a lock file, from the pointer read under that same lock (never from an earlier read), so a
/// rollback racing a promotion cannot lose it. Version strings from outside are checked against the version pattern before they touch a path.
/// </summary>
public sealed partial class ModelRegistry(string root)
{
    public const string ChampionFile = "champion.json";
    public const string MetadataFile = "metadata.json";
    public const string ChurnModel = "churn";
    public const string LeadModel = "lead";
    private const string StagingPrefix = ".staging-";

    public string Root { get; } = Path.GetFullPath(root);
    public string SnapshotsDirectory => Path.Combine(Root, "snapshots");

    /// <summary>Time, data fingerprint and (since two runs on the same data may finish in the same second) a random part; older versions have none.</summary>
    [GeneratedRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}(-[0-9a-f]{4})?$")]
    private static partial Regex VersionPattern();

    public static bool IsValidVersion(string version) => VersionPattern().IsMatch(version);

    public static string NewVersion(DateTime createdAt, string fingerprint) =>
        $"{createdAt:yyyyMMdd-HHmmss}-{fingerprint}-{System.Security.Cryptography.RandomNumberGenerator.GetInt32(0x10000):x4}";

    /// <summary>The folder of a version; throws for anything that is not a version string (no path traversal).</summary>
    public string VersionDirectory(string version)
    {
        if (!IsValidVersion(version))
        {
            throw new InvalidInputException($"'{version}' is not a model version (expected yyyyMMdd-HHmmss-xxxxxxxx-xxxx)");
        }
        return Path.Combine(Root, version);
    }

    /// <summary>Every complete version, newest first.</summary>
    public IReadOnlyList<ModelMetadata> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }
        var versions = new List<ModelMetadata>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            if (IsValidVersion(name) && TryReadMetadata(dir) is { Complete: true } metadata)
            {
                versions.Add(metadata);
            }
        }
        return [.. versions.OrderByDescending(v => v.Version, StringComparer.Ordinal)];
    }

    public ModelMetadata? Find(string version)
    {
        var dir = VersionDirectory(version);
        return TryReadMetadata(dir) is { Complete: true } metadata ? metadata : null;
    }

    /// <summary>The champion pointer; null when nothing was ever promoted.</summary>
    /// <exception cref="NotReadyException">The pointer file is damaged; the message says how to repair it (promote a version).</exception>
    public ChampionPointer? Champion() => ReadPointer() switch
    {
        { Damage: { } damage } => throw new RegistryDamagedException(ChampionFile, damage),
        var read => read.Pointer,
    };

    public LoadedModels Load(string version)
    {
        var metadata = Find(version) ?? throw NotFound(version);
        var dir = VersionDirectory(version);
        var segmentation = SegmentationModel.Load(dir);
        var churn = metadata.Churn is null ? null : BinaryModel.Load(dir, ChurnModel);
        var lead = metadata.Lead is null ? null : BinaryModel.Load(dir, LeadModel);
        return new LoadedModels(metadata, segmentation, churn, lead, dir)
        {
            Survival = metadata.Survival is null ? null : Survival.HazardModel.TryLoad(dir),
        };
    }

    public LoadedModels? LoadChampion() => Champion() is { } pointer ? Load(pointer.Version) : null;

    /// <summary>Starts writing a version under a hidden staging folder. Leftovers of earlier failed runs are removed first.</summary>
    public StagedVersion BeginVersion(string version)
    {
        VersionDirectory(version);
        Directory.CreateDirectory(Root);
        // Leftovers of killed runs go as soon as their process is gone; another run still writing keeps its folder.
        RunOwner.RemoveAbandoned(Directory.EnumerateDirectories(Root, StagingPrefix + "*"), DateTime.UtcNow);
        var staging = Path.Combine(Root, $"{StagingPrefix}{version}-{RunOwner.Current}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return new StagedVersion(this, version, staging);
    }

    /// <summary>Makes a version the champion: the pointer file is replaced atomically; the old champion goes to the history.</summary>
    public ChampionPointer Promote(string version, string reason, DateTime now)
    {
        if (Find(version) is null)
        {
            throw NotFound(version);
        }
        // A damaged pointer is no obstacle here: promoting is how it is repaired.
        return ChangePointer(current =>
        {
            var history = new List<ChampionHistoryEntry>();
            if (current is not null)
            {
                history.Add(new ChampionHistoryEntry(current.Version, current.PromotedAt, current.Reason));
                history.AddRange(current.History);
            }
            return new ChampionPointer(version, now, reason, [.. history.Take(50)]);
        }, repairs: true);
    }

    /// <summary>Brings back the previous champion (the newest history entry that is still complete).</summary>
    /// <param name="expectedChampion">Roll back only from this champion (compare and swap): when another promotion or rollback
    /// moved the pointer since the caller looked, a <see cref="ConflictException"/> and nothing changes.</param>
    public ChampionPointer Rollback(DateTime now, string? expectedChampion = null) => ChangePointer(_ =>
    {
        // The target is chosen from the pointer as it is under the lock, never from an earlier read.
        var (current, previous) = RollbackTarget();
        if (expectedChampion is not null && current.Version != expectedChampion)
        {
            throw new ConflictException($"the champion changed from {expectedChampion} to {current.Version} while rolling back; nothing changed");
        }
        var rest = current.History.SkipWhile(h => h.Version != previous.Version).Skip(1).ToList();
        return new ChampionPointer(previous.Version, now, $"rollback from {current.Version}",
            [new ChampionHistoryEntry(current.Version, current.PromotedAt, current.Reason), .. rest]);
    }, repairs: false);

    /// <summary>The champion now, and the one a rollback brings back; a <see cref="ConflictException"/> when there is none.</summary>
    private (ChampionPointer Current, ChampionHistoryEntry Previous) RollbackTarget()
    {
        var current = Champion() ?? throw new ConflictException("there is no champion to roll back from");
        // Re-promoting the champion puts it in its own history: a rollback goes to the newest different version.
        var previous = current.History.FirstOrDefault(h => h.Version != current.Version && Find(h.Version) is not null)
            ?? throw new ConflictException($"champion {current.Version} has no earlier champion to roll back to");
        return (current, previous);
    }

    private NotFoundException NotFound(string version) => new("model version", $"model version {version} not found (or not complete) in {Root}");

    internal static ModelMetadata? TryReadMetadata(string directory)
    {
        var path = Path.Combine(directory, MetadataFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RegistryJson.Default.ModelMetadata);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null; // a damaged or unreadable metadata file is not a usable version: skipped, as a folder without one is
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Another run may be writing it; it is removed next time.
        }
    }

    /// <summary>A version being written: files go into <see cref="Directory"/>; <see cref="Commit"/> makes it a version.</summary>
    public sealed class StagedVersion(ModelRegistry registry, string version, string directory) : IDisposable
    {
        private bool _committed;

        public string Version { get; } = version;
        public string Directory { get; } = directory;

        /// <summary>Writes the manifest (every file's size and SHA-256), then metadata.json (marked complete) last, then renames the folder into place.</summary>
        public string Commit(ModelMetadata metadata)
        {
            var manifest = WriteManifest(Directory);
            AtomicFile.WriteAllText(Path.Combine(Directory, MetadataFile),
                JsonSerializer.Serialize(metadata with { Complete = true, ManifestSha256 = manifest }, RegistryJson.Default.ModelMetadata));
            var final = registry.VersionDirectory(Version);
            if (System.IO.Directory.Exists(final))
            {
                throw new ConflictException($"model version {Version} already exists in the registry; nothing was promoted: run again");
            }
            System.IO.Directory.Move(Directory, final);
            _committed = true;
            return final;
        }

        public void Dispose()
        {
            if (!_committed)
            {
                TryDelete(Directory);
            }
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelMetadata))]
[JsonSerializable(typeof(ChampionPointer))]
internal sealed partial class RegistryJson : JsonSerializerContext;
