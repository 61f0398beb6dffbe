using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JourneyML.Api.Serving;
using JourneyML.Core.Data;

namespace JourneyML.Api.Alerts;

/// <summary>
/// Which snapshot's alerts went to which webhook, in the registry folder (<c>webhook-deliveries/SNAPSHOT/KEY.json</c>,
/// KEY a hash of the URL, each written atomically), beside the lease an instance takes before it delivers
/// (<c>KEY.lease.N</c>, see <see cref="FileLease"/>). With several instances on one registry, the one that takes the
/// lease delivers and records it; the others find the record and do not call again. The last
/// <see cref="KeptSnapshots"/> snapshots' records are kept.
/// </summary>
public sealed class WebhookDeliveries(ServingPaths paths)
{
    public const int KeptSnapshots = 30;

    public string Folder { get; } = Path.Combine(paths.Registry, "webhook-deliveries");

    /// <summary>The lease to hold while delivering a snapshot to a URL.</summary>
    public string LeasePath(string snapshot, string url) => Path.Combine(SnapshotFolder(snapshot), Key(url) + ".lease");

    /// <summary>The delivery recorded for a snapshot and a URL (by any instance), or null while none is.</summary>
    public WebhookDelivery? Read(string snapshot, string url) => ReadFile(RecordPath(snapshot, url));

    public void Save(string snapshot, string url, WebhookDelivery delivery)
    {
        AtomicFile.WriteAllText(RecordPath(snapshot, url), JsonSerializer.Serialize(delivery, ApiJson.Options));
        Prune();
    }

    /// <summary>The last deliveries of every instance, newest first.</summary>
    public IReadOnlyList<WebhookDelivery> Recent(int count = 50)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }
        return [.. Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories).Select(ReadFile).OfType<WebhookDelivery>()
            .OrderByDescending(d => d.At).Take(count)];
    }

    private static WebhookDelivery? ReadFile(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<WebhookDelivery>(File.ReadAllText(file), ApiJson.Options);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    private string RecordPath(string snapshot, string url) => Path.Combine(SnapshotFolder(snapshot), Key(url) + ".json");

    // Snapshot names are the service's own file names (never a request's), so they are safe as folder names.
    private string SnapshotFolder(string snapshot) => Path.Combine(Folder, Path.GetFileNameWithoutExtension(Path.GetFileName(snapshot)));

    private static string Key(string url) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];

    private void Prune()
    {
        var folders = Directory.EnumerateDirectories(Folder).Order(StringComparer.Ordinal).ToList();
        foreach (var folder in folders.Take(Math.Max(0, folders.Count - KeptSnapshots)))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another instance is pruning the same folder.
            }
        }
    }
}
