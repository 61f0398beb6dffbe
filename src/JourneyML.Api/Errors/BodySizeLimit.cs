using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using JourneyML.Api.Serving;

namespace JourneyML.Api.Errors;

/// <summary>
/// Requests over the size limits get problem+json before anything reads them: a body over Serving:MaxRequestBytes
/// 413 (Kestrel enforces the same limit on streamed bodies), a target (path and query) over 8 KB 414, headers over
/// 32 KB in all 431. Kestrel answers those two itself, with an empty body and before any middleware runs, so its own
/// limits are set a step higher (<see cref="KestrelTargetBytes"/>, <see cref="KestrelHeaderBytes"/>): between the two
/// the answer is problem+json; only beyond Kestrel's, and for requests Kestrel cannot parse at all, is it Kestrel's
/// bare status.
/// </summary>
public static class BodySizeLimit
{
    public const int MaxTargetBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;
    public const int KestrelTargetBytes = 64 * 1024;
    public const int KestrelHeaderBytes = 128 * 1024;

    /// <summary>Kestrel's own limits, above the ones this service answers with problem+json.</summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestLineSize = KestrelTargetBytes + 64;
            o.Limits.MaxRequestHeadersTotalSize = KestrelHeaderBytes;
        });

    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        long limit = context.RequestServices.GetRequiredService<IOptions<ServingOptions>>().Value.MaxRequestBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        if (TargetBytes(context.Request) > MaxTargetBytes)
        {
            await WriteAsync(context, 414, "The URL is too long", $"at most {MaxTargetBytes:N0} bytes of path and query");
            return;
        }
        if (HeaderBytes(context.Request) > MaxHeaderBytes)
        {
            await WriteAsync(context, 431, "The request headers are too large", $"at most {MaxHeaderBytes:N0} bytes of headers in all");
            return;
        }
        if (context.Request.ContentLength > limit)
        {
            await WriteAsync(context, 413, "The request body is too large", $"at most {limit:N0} bytes");
            return;
        }
        await next(context);
    });

    /// <summary>Writes a problem+json answer from middleware (before any endpoint).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static long TargetBytes(HttpRequest request) =>
        (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);

    private static long HeaderBytes(HttpRequest request) =>
        request.Headers.Sum(h => h.Key.Length + 4L + h.Value.Sum(v => v?.Length ?? 0));
}
