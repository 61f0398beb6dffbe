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
}

/// <summary>What a finished retraining job did.</summary>
public sealed record RetrainJobResult(string Version, bool Promoted, string Decision, string Champion, int CustomersScored, string Snapshot,
    int JourneyMapInsights, double? ChurnRocAuc, double? LeadRocAuc);

/// <summary>A retraining job's state as GET /v1/jobs/{id} shows it.</summary>
public sealed record RetrainJob(string Id, JobStatus Status, string Step, double Progress, DateTime StartedAt, DateTime? FinishedAt,
    string DataFolder, DateTime? AsOf, RetrainJobResult? Result, string? Error);

/// <summary>
/// Runs retraining jobs in the background, one at a time: features, train, gate, score, journey map (the CLI's
/// <c>retrain</c>), then has the service pick up a new champion and snapshot. Keeps the last jobs' states.
/// </summary>
public sealed class RetrainJobs(ServingPaths paths, ModelHost models, SnapshotHost snapshots, ILogger<RetrainJobs> logger, IHostApplicationLifetime lifetime)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, RetrainJob> _jobs = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private string? _running;

    public RetrainJob? Find(string id)
    {
        lock (_gate)
        {
            return _jobs.GetValueOrDefault(id);
        }
    }

    /// <summary>Starts a job, or returns the running one's id with false when a retraining is already running.</summary>
    public (RetrainJob Job, bool Started) Start(RetrainSettings settings)
    {
        RetrainJob job;
        lock (_gate)
        {
            if (_running is not null)
            {
                return (_jobs[_running], false);
            }
            var id = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
            job = new RetrainJob(id, JobStatus.Running, "starting", 0, DateTime.UtcNow, null, Path.GetFileName(settings.DataDirectory), settings.AsOf, null, null);
            _jobs[id] = job;
            _order.Add(id);
            if (_order.Count > 50)
            {
                _jobs.Remove(_order[0]);
                _order.RemoveAt(0);
            }
            _running = id;
        }
        _ = Task.Run(() => RunAsync(job.Id, settings, lifetime.ApplicationStopping));
        return (job, true);
    }

    private async Task RunAsync(string id, RetrainSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var progress = new Progress<(string Step, double Fraction)>(p => Update(id, j => j with { Step = p.Step, Progress = Math.Round(p.Fraction, 3) }));
            var result = await Task.Run(() => RetrainRun.Run(settings.ToOptions(paths.Registry), logger, cancellationToken, progress), cancellationToken);
            var serving = await models.RefreshAsync(cancellationToken);
            await snapshots.RefreshAsync(notify: true, cancellationToken);
            var meta = result.Training.Metadata;
            var outcome = new RetrainJobResult(meta.Version, meta.Promotion?.Promoted ?? false, meta.Promotion?.Reason ?? "",
                serving?.ModelVersion ?? "", result.Scoring.Snapshot.Count, Path.GetFileName(result.Scoring.SnapshotPath), result.JourneyMap.Insights.Count,
                meta.Churn is { } c ? Math.Round(c.Holdout.Auc, 4) : null, meta.Lead is { } l ? Math.Round(l.Holdout.Auc, 4) : null);
            Update(id, j => j with { Status = JobStatus.Succeeded, Step = "done", Progress = 1, FinishedAt = DateTime.UtcNow, Result = outcome });
            logger.LogInformation("Retraining job {Job} finished: version {Version}, promoted {Promoted}", id, meta.Version, outcome.Promoted);
        }
        catch (OperationCanceledException)
        {
            Update(id, j => j with { Status = JobStatus.Cancelled, FinishedAt = DateTime.UtcNow, Error = "the service stopped during the job" });
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
            Update(id, j => j with { Status = JobStatus.Failed, FinishedAt = DateTime.UtcNow, Error = message.Replace(paths.Registry, "the registry") });
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private void Update(string id, Func<RetrainJob, RetrainJob> change)
    {
        lock (_gate)
        {
            if (_jobs.TryGetValue(id, out var job))
            {
                _jobs[id] = change(job);
            }
        }
    }
}
