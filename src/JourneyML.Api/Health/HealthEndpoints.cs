using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

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
        app.MapHealthChecks("/health/live", new() { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}

/// <summary>Not ready until the registry has a champion: with none, predictions cannot be served.</summary>
internal sealed class ChampionHealthCheck(IOptions<RegistryOptions> options, IHostEnvironment environment) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var root = Path.IsPathRooted(options.Value.Path) ? options.Value.Path : Path.Combine(environment.ContentRootPath, options.Value.Path);
        var pointer = Path.Combine(root, "champion.json");
        return Task.FromResult(File.Exists(pointer)
            ? HealthCheckResult.Healthy("champion model present")
            : HealthCheckResult.Unhealthy("no champion model in the registry yet: train one with 'journeyml retrain' or 'journeyml demo'"));
    }
}
