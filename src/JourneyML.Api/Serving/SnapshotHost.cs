using JourneyML.Api.Alerts;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>
/// Holds the latest scoring snapshot, indexed for the ranked list, customers, accounts and alerts; switches to a new
/// snapshot as soon as a scoring run writes one (by the CLI, a scheduled job or a retraining job), and then has the
/// new snapshot's alerts sent to the webhooks.
/// </summary>
public sealed class SnapshotHost(ServingPaths paths, IOptions<ServingOptions> options, WebhookDispatcher webhooks, ILogger<SnapshotHost> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile SnapshotView? _current;
    private string? _unreadable;

    public string Directory { get; } = Path.Combine(paths.Registry, "snapshots");

    /// <summary>The latest snapshot; null until the first scoring run.</summary>
    public SnapshotView? Current => _current;

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
        await RefreshAsync(notify: false, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReloadSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(notify: true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Loads the newest snapshot if it is not the one held. With <paramref name="notify"/>, a new one's alerts go to the webhooks.</summary>
    public async Task<SnapshotView?> RefreshAsync(bool notify = true, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var files = Snapshot.List(Directory);
            // A file that could not be read is tried again only once a newer snapshot replaces it (one warning, not one per tick).
            if (files.Count == 0 || files[^1] == _current?.Path || files[^1] == _unreadable)
            {
                return _current;
            }
            try
            {
                var rules = RulesFor(files[^1]);
                var view = await Task.Run(() => SnapshotView.Load(Directory, rules, options.Value.HistoryDepth), cancellationToken);
                if (view is null)
                {
                    return _current;
                }
                bool isNew = _current is not null && view.Path != _current.Path;
                _rules = rules;
                _current = view;
                logger.LogInformation("Serving snapshot {Snapshot}: {Customers} customers as of {AsOf:yyyy-MM-dd}, {Alerts} alerts",
                    Path.GetFileName(view.Path), view.Latest.Count, view.Latest.AsOf, view.Alerts.Count);
                if (notify && isNew)
                {
                    webhooks.Enqueue(view);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
            {
                _unreadable = files[^1];
                logger.LogWarning("Could not read snapshot {Snapshot}; keeping the one served: {Reason}", Path.GetFileName(files[^1]), e.Message);
            }
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }
}
