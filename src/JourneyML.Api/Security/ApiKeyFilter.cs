using System.Security.Cryptography;
using System.Text;
using JourneyML.Api.Serving;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Security;

/// <summary>
/// The API key check: state-changing endpoints always need it (and are off, 403, when no key is configured); reads
/// need it when Security:ProtectReads is set. Keys are compared in constant time.
/// </summary>
public static class ApiKey
{
    /// <summary>For promote, rollback, retrain and webhook configuration.</summary>
    public static TBuilder RequireWriteKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiKeyUse.Always).AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                return TypedResults.Problem(statusCode: 403, title: "Switched off",
                    detail: "state-changing calls are off because no API key is configured (set Security:ApiKey)");
            }
            return Matches(context.HttpContext, options.ApiKey) ? await next(context) : Unauthorized();
        });

    /// <summary>For reads: open unless Security:ProtectReads is set.</summary>
    public static TBuilder RequireReadKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiKeyUse.WhenReadsProtected).AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
            if (!options.ProtectReads)
            {
                return await next(context);
            }
            return Matches(context.HttpContext, options.ApiKey!) ? await next(context) : Unauthorized();
        });

    /// <summary>True when the request carries the configured key (false when none is configured).</summary>
    public static bool IsValid(HttpContext context)
    {
        var key = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.ApiKey;
        return !string.IsNullOrWhiteSpace(key) && Matches(context, key);
    }

    private static bool Matches(HttpContext context, string key)
    {
        var given = context.Request.Headers[SecurityOptions.HeaderName].ToString();
        // Hash both sides first so the comparison takes the same time whatever the lengths.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static IResult Unauthorized() => TypedResults.Problem(statusCode: 401, title: "API key required",
        detail: $"send the key in the {SecurityOptions.HeaderName} header");
}

/// <summary>Endpoint metadata: when an endpoint needs the API key (the OpenAPI document and the reference page say so).</summary>
public enum ApiKeyUse
{
    /// <summary>State-changing: the key always (403 when none is configured).</summary>
    Always,
    /// <summary>A read: the key only when Security:ProtectReads is set.</summary>
    WhenReadsProtected,
}
