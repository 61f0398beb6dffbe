using JourneyML.Api.Journeys;
using JourneyML.Api.Serving;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;

namespace JourneyML.Api.Workspace;

/// <summary>
/// Journey maps built for the workspace, kept for a while: clicking a stage or a move lists its customers from the map
/// already built, not from a new build. A map is built by the same journey run as the API's <c>GET /v1/journey-map</c>, in
/// the same queue (<see cref="JourneyMapBuilds"/>); it is built again when the champion or the latest snapshot changes,
/// or after <see cref="KeepFor"/> (new data in the export).
/// </summary>
public sealed class WorkspaceJourneyMaps(ServingPaths paths, JourneyMapBuilds builds, ILoggerFactory loggers)
{
    /// <summary>Maps kept at once: each holds the stage timelines of its customers.</summary>
    public const int Kept = 4;
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);

    /// <summary>What a map depends on: its window, segment and account, and the champion and snapshot it was built with.</summary>
    public sealed record Key(DateTime? From, DateTime? To, int? Segment, string? Account, string? ModelVersion, DateTime? SnapshotAsOf);

    private sealed record Entry(JourneyMembers Members, DateTime BuiltAt);

    private readonly object _gate = new();
    private readonly List<(Key Key, Entry Entry)> _kept = [];

    /// <summary>The map and its members for the key; null when as many maps are being built as allowed (try again later).</summary>
    public async Task<JourneyMembers?> GetAsync(Key key, CancellationToken cancellationToken)
    {
        if (Find(key) is { } kept)
        {
            return kept;
        }
        using var slot = await builds.EnterAsync(cancellationToken);
        if (!slot.IsAcquired)
        {
            return null;
        }
        // Another request may have built the same map while this one waited.
        if (Find(key) is { } built)
        {
            return built;
        }
        var directory = Directory.CreateTempSubdirectory("journeyml-workspace-map-").FullName;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var result = JourneyRun.Run(new JourneyOptions
            {
                DataDirectory = paths.Data,
                RegistryPath = paths.Registry,
                From = key.From,
                To = key.To,
                Segment = key.Segment,
                Account = key.Account,
                OutputDirectory = directory,
            }, loggers.CreateLogger("journey-map"), cancellationToken);
            builds.Built(started.Elapsed);
            Keep(key, result.Members!);
            return result.Members;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>How long a turned-away request should wait.</summary>
    public TimeSpan RetryAfter => builds.RetryAfter;

    private JourneyMembers? Find(Key key)
    {
        lock (_gate)
        {
            _kept.RemoveAll(k => DateTime.UtcNow - k.Entry.BuiltAt > KeepFor);
            return _kept.FirstOrDefault(k => k.Key == key).Entry?.Members;
        }
    }

    private void Keep(Key key, JourneyMembers members)
    {
        lock (_gate)
        {
            _kept.RemoveAll(k => k.Key == key);
            _kept.Add((key, new Entry(members, DateTime.UtcNow)));
            if (_kept.Count > Kept)
            {
                _kept.RemoveAt(0);
            }
        }
    }
}
