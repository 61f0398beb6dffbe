using System.Text.Json;
using System.Text.RegularExpressions;
using JourneyML.Api.Serving;
using JourneyML.Core.Data;

namespace JourneyML.Api.Jobs;

/// <summary>
/// Retraining jobs' states in the registry folder (<c>jobs/ID.json</c>, each written atomically), so a restart keeps
/// them and every instance on the registry answers for every job. The last <see cref="Kept"/> jobs are kept.
/// </summary>
public sealed partial class JobStore(ServingPaths paths)
{
    public const int Kept = 50;

    public string Folder { get; } = Path.Combine(paths.Registry, "jobs");

    /// <summary>The lease the instance running a retraining job holds (one job at a time across instances).</summary>
    public string RunningLease => Path.Combine(Folder, "retrain.lease");

    /// <summary>A job id as <see cref="NewId"/> makes them; anything else is no job (and never a path).</summary>
    public static bool IsJobId(string id) => JobId().IsMatch(id);

    public static string NewId() => $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    public RetrainJob? Read(string id)
    {
        if (!IsJobId(id))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<RetrainJob>(File.ReadAllText(Path.Combine(Folder, id + ".json")), ApiJson.Options);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // A file that does not parse was not written by us (writes are atomic): no such job.
            return null;
        }
    }

    public void Save(RetrainJob job) => AtomicFile.WriteAllText(Path.Combine(Folder, job.Id + ".json"), JsonSerializer.Serialize(job, ApiJson.Options));

    /// <summary>The ids of the newest jobs first (ids sort by their start time), at most <paramref name="count"/>.</summary>
    public IReadOnlyList<string> RecentIds(int count)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }
        return [.. Directory.EnumerateFiles(Folder, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(IsJobId)
            .OrderDescending(StringComparer.Ordinal).Take(count)];
    }

    /// <summary>Removes the oldest jobs' files beyond <see cref="Kept"/> (ids sort by their start time).</summary>
    public void Prune()
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }
        var jobs = Directory.EnumerateFiles(Folder, "*.json").Where(f => IsJobId(Path.GetFileNameWithoutExtension(f))).Order(StringComparer.Ordinal).ToList();
        foreach (var file in jobs.Take(Math.Max(0, jobs.Count - Kept)))
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("^[0-9]{14}-[0-9a-f]{8}$")]
    private static partial Regex JobId();
}
