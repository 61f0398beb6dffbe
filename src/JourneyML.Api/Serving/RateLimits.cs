using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using JourneyML.Api.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>
/// Limits per client (section "RateLimits"): a client is the API key when it sends the right one, else its remote
/// address. Costly reads are limited by default (full CSV exports, journey maps built on demand); everything else only
/// when <see cref="RequestsPerWindow"/> is set. 0 switches a limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>The window the per-client counts are over, in seconds.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>CSV exports (the ranked list, segment members) a client may fetch per window; 0: no limit.</summary>
    [Range(0, 1_000_000)]
    public int ExportsPerWindow { get; set; } = 10;

    /// <summary>Journey maps built on demand (from/to, account, stepDays) a client may ask for per window; 0: no limit.</summary>
    [Range(0, 1_000_000)]
    public int JourneyMapsPerWindow { get; set; } = 6;

    /// <summary>All requests a client may make per window (health checks aside); 0 (the default): no limit.</summary>
    [Range(0, 100_000_000)]
    public int RequestsPerWindow { get; set; }

    /// <summary>Journey maps built at once for all clients (each reads every event and keeps a core busy).</summary>
    [Range(1, 64)]
    public int MapBuildsAtOnce { get; set; } = 1;

    /// <summary>Journey map requests that may wait for a build slot; more get 503 with Retry-After.</summary>
    [Range(0, 1000)]
    public int MapBuildsWaiting { get; set; } = 2;
}

/// <summary>ASP.NET Core's rate limiter, partitioned per client, answering 429 problem+json with Retry-After.</summary>
public static class RateLimits
{
    /// <summary>The policy for lists that can be exported as CSV: only the CSV answers count.</summary>
    public const string Exports = "exports";

    /// <summary>The policy for the journey map: only maps built on demand count.</summary>
    public const string JourneyMaps = "journey-maps";

    public static IServiceCollection AddJourneyRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Journeys.JourneyMapBuilds>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var o = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/health") || PipelineWarmUp.IsWarmUp(context) ? RateLimitPartition.GetNoLimiter("") : PerClient(context, "requests", o.RequestsPerWindow, o));
            limiter.AddPolicy(Exports, context => Cursor.WantsCsv(context.Request, context.Request.Query["format"]) || context.Request.Query.ContainsKey("layout")
                || context.Request.Query.ContainsKey("excel")
                ? PerClient(context, Exports, o.ExportsPerWindow, o) : RateLimitPartition.GetNoLimiter(""));
            limiter.AddPolicy(JourneyMaps, context => new[] { "from", "to", "account", "stepDays" }.Any(context.Request.Query.ContainsKey)
                ? PerClient(context, JourneyMaps, o.JourneyMapsPerWindow, o) : RateLimitPartition.GetNoLimiter(""));
        });
        return services;
    }

    /// <summary>A client's allowance of a kind: a bucket of <paramref name="permits"/> refilled every window; none when 0.</summary>
    private static RateLimitPartition<string> PerClient(HttpContext context, string kind, int permits, RateLimitOptions o) =>
        permits == 0 ? RateLimitPartition.GetNoLimiter("") : RateLimitPartition.GetTokenBucketLimiter($"{kind}|{Client(context)}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = TimeSpan.FromSeconds(o.WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>
    /// Who is asking: the API key when it is the right one (a wrong or made-up key does not buy a fresh allowance), else the
    /// remote address. Behind a proxy, set up forwarded headers so the remote address is the client's, not the proxy's.
    /// </summary>
    public static string Client(HttpContext context) =>
        ApiKey.IsValid(context) ? "api-key" : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>Sets Retry-After (whole seconds, at least 1) on an answer that asks the client to come back later.</summary>
    public static void RetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(settings.WindowSeconds);
        RetryAfter(context.Response, wait);
        var kind = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
        {
            Exports => "CSV exports",
            JourneyMaps => "journey maps built on demand",
            _ => null,
        };
        // With a limit on all requests too, either may have been reached.
        var what = kind is null ? "requests" : settings.RequestsPerWindow > 0 ? $"requests (or of {kind})" : kind;
        // As a result rather than through the problem details service directly: a CSV client (Accept: text/csv) gets problem+json too.
        await TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = "https://tools.ietf.org/html/rfc6585#section-4",
            Title = "Too many requests",
            Detail = $"this client has used its allowance of {what} for now; try again in {context.Response.Headers.RetryAfter} s (the limits are set under RateLimits)",
            Extensions = { ["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier },
        }).ExecuteAsync(context);
    }
}
