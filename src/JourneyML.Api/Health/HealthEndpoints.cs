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
            .AddCheck<ChampionHealthCheck>("champion", tags: ["ready"]);
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

/// <summary>Not ready until a champion model is loaded and serving; a champion that failed to load is reported while the previous one serves.</summary>
internal sealed class ChampionHealthCheck(ModelHost models) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A champion promoted a moment ago is picked up here rather than at the next tick.
        var serving = await models.RefreshAsync(cancellationToken);
        if (serving is null)
        {
            return models.Refused is { } refused
                ? HealthCheckResult.Unhealthy($"champion {refused.Version} failed to load: {refused.Reason}")
                : HealthCheckResult.Unhealthy("no champion model in the registry yet: train one with 'journeyml retrain' or 'journeyml demo'");
        }
        return models.Refused is { } r
            ? HealthCheckResult.Degraded($"serving {serving.ModelVersion}; champion {r.Version} failed to load: {r.Reason}")
            : HealthCheckResult.Healthy($"serving {serving.ModelVersion}");
    }
}
