using JourneyML.Api.Serving;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;

namespace JourneyML.Api.Jobs;

public enum JobStatus
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// <summary>The instance running it stopped (a crash, a kill, a lost machine) before the job finished.</summary>
    Interrupted,
}

/// <summary>What a finished retraining job did.</summary>
public sealed record RetrainJobResult(string Version, bool Promoted, string Decision, string Champion, int CustomersScored, string Snapshot,
    int JourneyMapInsights, double? ChurnRocAuc, double? LeadRocAuc)
{
    /// <summary>The gate's decision in Japanese (<see cref="Core.Registry.PromotionDecision.ReasonJapanese"/>); null in jobs recorded before it.</summary>
    public string? DecisionJapanese { get; init; }
}

/// <summary>A retraining job's state as GET /v1/jobs/{id} shows it; <c>Instance</c> is the id of the service instance that runs it.</summary>
public sealed record RetrainJob(string Id, JobStatus Status, string Step, double Progress, DateTime StartedAt, DateTime? FinishedAt,
    string DataFolder, DateTime? AsOf, RetrainJobResult? Result, string? Error, string? Instance = null);

/// <summary>
/// Runs retraining jobs in the background, one at a time across every instance on the registry: features, train, gate,
/// score, journey map (the CLI's <c>retrain</c>), then has the service pick up a new champion and snapshot. Job states
/// live in the registry (<see cref="JobStore"/>), so they survive a restart and any instance answers for them. The
/// running instance holds a lease (<see cref="FileLease"/>) for the job and renews it; a job whose instance is gone
/// (its process ended, or its lease expired) shows as interrupted, not as running forever.
/// </summary>
public sealed class RetrainJobs(ServingPaths paths, JobStore store, LeaseHolder instance, ModelHost models, SnapshotHost snapshots, ILogger<RetrainJobs> logger,
    IHostApplicationLifetime lifetime)
{
    /// <summary>How long a job's lease lasts unrenewed: a job of a dead instance on another machine shows as interrupted after this.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan s_renewEvery = TimeSpan.FromSeconds(20);

    private readonly object _gate = new();
    private RetrainJob? _running;

    /// <summary>A job's state; a job left running by an instance that is gone is marked interrupted first.</summary>
    public RetrainJob? Find(string id)
    {
        lock (_gate)
        {
            if (_running?.Id == id)
            {
                return _running;
            }
        }
        var job = store.Read(id);
        if (job is not { Status: JobStatus.Running } || IsHeldFor(id))
        {
            return job;
        }
        // The running instance writes the job's end before it gives up the lease: read again, so a job that just ended is not called interrupted.
        job = store.Read(id);
        return job is { Status: JobStatus.Running } ? Interrupt(job) : job;
    }

    /// <summary>The newest jobs first, as <see cref="Find"/> answers for each (the workspace's list).</summary>
    public IReadOnlyList<RetrainJob> Recent(int count) => [.. store.RecentIds(count).Select(Find).OfType<RetrainJob>()];

    /// <summary>Starts a job; or, when a retraining is already running on any instance, returns the running job's id instead.</summary>
    public (RetrainJob? Job, string? Running) Start(RetrainSettings settings)
    {
        RetrainJob job;
        FileLease lease;
        lock (_gate)
        {
            if (_running is not null)
            {
                return (null, _running.Id);
            }
            var id = JobStore.NewId();
            job = new RetrainJob(id, JobStatus.Running, "starting", 0, DateTime.UtcNow, null, Path.GetFileName(settings.DataDirectory), settings.AsOf, null, null,
                instance.Instance);
            try
            {
                var taken = FileLease.TryTake(store.RunningLease, instance, LeaseDuration, subject: id);
                if (taken is null)
                {
                    return (null, FileLease.Read(store.RunningLease)?.Subject ?? "unknown");
                }
                lease = taken;
                SweepInterrupted();
                store.Save(job);
                store.Prune();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new NotReadyException("the registry cannot be written, so a retraining job (which writes a model version and its own state there) cannot start");
            }
            _running = job;
        }
        _ = Task.Run(() => RunAsync(job.Id, lease, settings, lifetime.ApplicationStopping));
        return (job, null);
    }

    private bool IsHeldFor(string id) => FileLease.Read(store.RunningLease) is { } lease && lease.Subject == id && lease.IsLive(DateTime.UtcNow);

    /// <summary>Jobs another instance left running when it died: the lease was just taken from it, so none of them runs any more.</summary>
    private void SweepInterrupted()
    {
        if (!Directory.Exists(store.Folder))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(store.Folder, "*.json"))
        {
            if (store.Read(Path.GetFileNameWithoutExtension(file)) is { Status: JobStatus.Running } job)
            {
                Interrupt(job);
            }
        }
    }

    private RetrainJob Interrupt(RetrainJob job)
    {
        var interrupted = job with
        {
            Status = JobStatus.Interrupted,
            FinishedAt = DateTime.UtcNow,
            Error = $"interrupted at step '{job.Step}': the service instance running it stopped before the job finished; start the job again",
        };
        store.Save(interrupted);
        logger.LogWarning("Retraining job {Job} was interrupted at step {Step}: the instance running it is gone", job.Id, job.Step);
        return interrupted;
    }

    private async Task RunAsync(string id, FileLease lease, RetrainSettings settings, CancellationToken cancellationToken)
    {
        using var renewal = new Timer(_ => Renew(id, lease), null, s_renewEvery, s_renewEvery);
        try
        {
            var progress = new Progress<(string Step, double Fraction)>(p => Update(j => j with { Step = p.Step, Progress = Math.Round(p.Fraction, 3) }));
            var result = await Task.Run(() => RetrainRun.Run(settings.ToOptions(paths.Registry), logger, cancellationToken, progress), cancellationToken);
            var serving = await models.RefreshAsync(cancellationToken);
            await snapshots.RefreshAsync(notify: true, cancellationToken);
            var meta = result.Training.Metadata;
            var outcome = new RetrainJobResult(meta.Version, meta.Promotion?.Promoted ?? false, meta.Promotion?.Reason ?? "",
                serving?.ModelVersion ?? "", result.Scoring.Snapshot.Count, Path.GetFileName(result.Scoring.SnapshotPath), result.JourneyMap.Insights.Count,
                meta.Churn is { } c ? Math.Round(c.Holdout.Auc, 4) : null, meta.Lead is { } l ? Math.Round(l.Holdout.Auc, 4) : null)
            {
                DecisionJapanese = meta.Promotion?.ReasonJapanese,
            };
            End(j => j with { Status = JobStatus.Succeeded, Step = "done", Progress = 1, FinishedAt = DateTime.UtcNow, Result = outcome });
            logger.LogInformation("Retraining job {Job} finished: version {Version}, promoted {Promoted}", id, meta.Version, outcome.Promoted);
        }
        catch (OperationCanceledException)
        {
            End(j => j with { Status = JobStatus.Cancelled, FinishedAt = DateTime.UtcNow, Error = "the service stopped during the job" });
        }
        catch (Exception e)
        {
            // Data problems are the user's to fix, and their message says what (file, row, column); anything else is logged in full.
            var message = e switch
            {
                DataValidationException v => v.Report.Format(10),
                JourneyException or ArgumentException or InvalidOperationException => e.Message,
                _ => "the job failed unexpectedly; the error is in the service log",
            };
            if (e is not (JourneyException or ArgumentException or InvalidOperationException))
            {
                logger.LogError(e, "Retraining job {Job} failed", id);
            }
            End(j => j with { Status = JobStatus.Failed, FinishedAt = DateTime.UtcNow, Error = message.Replace(paths.Registry, "the registry") });
        }
        finally
        {
            // The end is on disk before the lease goes, so no instance ever sees a finished job as interrupted.
            lease.Release();
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private void Renew(string id, FileLease lease)
    {
        try
        {
            if (!lease.Renew(LeaseDuration))
            {
                logger.LogWarning("Retraining job {Job}: its lease was taken over by another instance (this one was thought gone)", id);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Tried again at the next tick; the lease lasts several ticks.
            logger.LogWarning("Retraining job {Job}: its lease could not be renewed in the registry ({Reason})", id, e.GetType().Name);
        }
    }

    /// <summary>A step of the running job; a progress report that arrives after the job ended is dropped.</summary>
    private void Update(Func<RetrainJob, RetrainJob> change)
    {
        lock (_gate)
        {
            if (_running is { Status: JobStatus.Running } job)
            {
                _running = change(job);
                Save(_running);
            }
        }
    }

    private void End(Func<RetrainJob, RetrainJob> change)
    {
        lock (_gate)
        {
            _running = change(_running!);
            Save(_running);
        }
    }

    // A state that cannot be written (a full disk) must not end the job or the process: the next write tries again.
    private void Save(RetrainJob job)
    {
        try
        {
            store.Save(job);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Retraining job {Job}: its state could not be written to the registry: {Reason}", job.Id, e.Message.Replace(paths.Registry, "the registry"));
        }
    }
}
