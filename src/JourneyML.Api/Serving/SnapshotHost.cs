using JourneyML.Api.Alerts;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>
/// Holds the latest scoring snapshot, indexed for the ranked list, customers, accounts and alerts; switches to a new
/// snapshot as soon as a scoring run writes one (by the CLI, a scheduled job or a retraining job), and then has the
/// new snapshot's alerts sent to the webhooks. A snapshot file that cannot be read (not Parquet, empty, half-copied) is
/// skipped with a warning and named in readiness as a count: the newest readable one serves, at start as after.
/// </summary>
public sealed class SnapshotHost(ServingPaths paths, IOptions<ServingOptions> options, WebhookDispatcher webhooks, ILogger<SnapshotHost> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile SnapshotView? _current;
    // Files that could not be read, with their size and time then: looked at again only once they change (one warning, not one per tick).
    private volatile IReadOnlyDictionary<string, FileStamp> _unreadable = new Dictionary<string, FileStamp>();

    public string Directory { get; } = Path.Combine(paths.Registry, "snapshots");

    /// <summary>The latest snapshot; null until the first scoring run.</summary>
    public SnapshotView? Current => _current;

    /// <summary>How many files in the snapshot folder cannot be read and are skipped (the log names them).</summary>
    public int Unreadable => _unreadable.Count;

    /// <summary>The alert rules of the snapshot served: the configured threshold, or the At-risk cut of its model.</summary>
    public AlertRules Rules => _rules ?? RulesFor(null);

    private volatile AlertRules? _rules;

    private AlertRules RulesFor(string? snapshotFile)
    {
        double? cut = options.Value.ChurnRiskThreshold;
        if (cut is null && snapshotFile is not null)
        {
            // The file name ends with the model version (Snapshot.FileName): its metadata holds the cut.
            string version = Path.GetFileNameWithoutExtension(snapshotFile).Split('_') is { Length: > 2 } parts ? parts[2] : "";
            cut = version.Length == 0 ? null : new ModelRegistry(paths.Registry).Find(version)?.AtRisk?.Threshold;
        }
        return new((float)(cut ?? AlertRules.DefaultChurnRiskThreshold), options.Value.AlertStages);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(notify: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The service starts without a snapshot rather than not at all; the reload loop tries again.
            logger.LogError(e, "Reading the snapshot folder failed at start; trying again at the next check");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Reloading.EveryAsync(options.Value.ReloadSeconds, () => RefreshAsync(notify: true, stoppingToken), logger, "the snapshot folder", stoppingToken);

    /// <summary>Loads the newest readable snapshot if it is not the one held. With <paramref name="notify"/>, a new one's alerts go to the webhooks.</summary>
    public async Task<SnapshotView?> RefreshAsync(bool notify = true, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var files = Snapshot.List(Directory);
            var known = _unreadable.Where(u => files.Contains(u.Key) && u.Value == FileStamp.Of(u.Key)).ToDictionary();
            var candidates = files.Where(f => !known.ContainsKey(f)).ToList();
            // Nothing new, and no skipped file changed (a fixed one is read again, for the history too).
            bool unchanged = known.Count == _unreadable.Count && (candidates.Count == 0 || candidates[^1] == _current?.Path);
            _unreadable = known;
            if (unchanged)
            {
                return _current;
            }
            // The alert rules follow the newest snapshot's model (its At-risk cut) unless a threshold is configured.
            var rules = RulesFor(candidates.Count > 0 ? candidates[^1] : null);
            var view = await Task.Run(() => SnapshotView.Load(candidates, rules, options.Value.HistoryDepth, (file, e) =>
            {
                known[file] = FileStamp.Of(file);
                logger.LogWarning("Snapshot file {Snapshot} cannot be read and is skipped (the one served stays): {Reason}", Path.GetFileName(file), e.Message);
            }), cancellationToken);
            _unreadable = known;
            if (view is null || view.Path == _current?.Path)
            {
                return _current;
            }
            bool isNew = _current is not null;
            _rules = rules;
            _current = view;
            logger.LogInformation("Serving snapshot {Snapshot}: {Customers} customers as of {AsOf:yyyy-MM-dd}, {Alerts} alerts",
                Path.GetFileName(view.Path), view.Latest.Count, view.Latest.AsOf, view.Alerts.Count);
            if (notify && isNew)
            {
                webhooks.Enqueue(view);
            }
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>A file's size and last write time: enough to notice that a damaged file was replaced or repaired.</summary>
internal readonly record struct FileStamp(long Length, DateTime WrittenAt)
{
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
    }
}

/// <summary>The hosts' reload loop: a failed reload is logged and tried at the next tick, never the end of the service.</summary>
internal static class Reloading
{
    public static async Task EveryAsync(double seconds, Func<Task> reload, ILogger logger, string what, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await reload();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Reloading {What} failed; trying again at the next check", what);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
