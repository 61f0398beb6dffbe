using Microsoft.Extensions.Diagnostics.HealthChecks;
using JourneyML.Api.Serving;

namespace JourneyML.Api.Health;

/// <summary>Liveness (the process answers) and readiness (a champion model is there to serve).</summary>
internal static class HealthEndpoints
{
    public static IServiceCollection AddJourneyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<ChampionHealthCheck>("champion", tags: ["ready"])
            .AddCheck<SnapshotHealthCheck>("snapshot", tags: ["ready"])
            .AddCheck<WarmUpHealthCheck>("warm-up", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapJourneyHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = check => check.Tags.Contains("live"), ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteJson });
        return app;
    }

    /// <summary>The status and each check's reason, so an operator sees why a service is not ready.</summary>
    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body, ApiJson.Options));
    }
}

/// <summary>
/// Not ready until a champion model is loaded and serving; a champion that failed to load, or a damaged champion pointer,
/// is reported while the previous one serves. Answers are unauthenticated: reasons in words, never a path (the log has those).
/// </summary>
internal sealed class ChampionHealthCheck(ModelHost models) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A champion promoted a moment ago is picked up here rather than at the next tick.
        var serving = await models.RefreshAsync(cancellationToken);
        string? problem = models.PointerProblem
            ?? (models.Refused is { } refused ? $"champion {refused.Version} failed to load: {refused.Reason}; it is tried again when its files change" : null);
        if (serving is null)
        {
            return HealthCheckResult.Unhealthy(problem ?? "no champion model in the registry yet: train one with 'journeyml retrain' or 'journeyml demo'");
        }
        return problem is null ? HealthCheckResult.Healthy($"serving {serving.ModelVersion}") : HealthCheckResult.Degraded($"serving {serving.ModelVersion}; {problem}");
    }
}

/// <summary>The snapshot served, and how many snapshot files cannot be read and are skipped (degraded: someone should look; the log names them).</summary>
internal sealed class SnapshotHealthCheck(SnapshotHost snapshots) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var view = snapshots.Current;
        var serving = view is null ? "no scoring snapshot yet" : $"serving the snapshot as of {view.Latest.AsOf:yyyy-MM-dd} (model {view.Latest.ModelVersion})";
        int skipped = snapshots.Unreadable;
        return Task.FromResult(skipped == 0 ? HealthCheckResult.Healthy(serving)
            : HealthCheckResult.Degraded($"{serving}; {skipped} snapshot file{(skipped == 1 ? "" : "s")} cannot be read and {(skipped == 1 ? "is" : "are")} skipped (the log names them)"));
    }
}

/// <summary>Not ready while what serves has not been warmed up yet (a fresh process, or a first champion that just arrived).</summary>
internal sealed class WarmUpHealthCheck(ServingWarmUp warmUp, PipelineWarmUp pipeline) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!warmUp.IsWarm ? HealthCheckResult.Unhealthy("warming up: every serving path runs before the service takes traffic")
            : !pipeline.Done ? HealthCheckResult.Unhealthy("warming up: requests through the whole pipeline (API and workspace pages) before the service takes traffic")
            : warmUp.Last is { } r ? HealthCheckResult.Healthy($"warmed: {r.Predictions} predictions ({r.ChurnRisks} churn risks, {r.LeadScores} lead scores, " +
                $"{r.Explanations} with explanations), {r.SnapshotLookups} snapshot lookups, {r.JsonAnswers} JSON answers in {r.Took.TotalSeconds:0.0} s, {r.Ending}"
                + (pipeline.Last is { } p ? $"; then {p.Requests} requests through the pipeline ({p.Pages} workspace pages) in {p.Took.TotalSeconds:0.0} s" : ""))
            : HealthCheckResult.Healthy("nothing to warm yet"));
}
