using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JourneyML.Api.Security;
using JourneyML.Api.Serving;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Workspace;

/// <summary>
/// How a browser holds the API key: the sign-in form checks it once and sets a session cookie (HttpOnly, SameSite=Strict,
/// Secure over HTTPS) that holds a token derived from the key (an HMAC of its expiry under the key), never the key
/// itself, and never anything a page or script can read. Any instance with the same key accepts it (the service stays
/// stateless); changing the key ends every session.
/// </summary>
public static class WorkspaceSession
{
    public const string Cookie = "journeyml-session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>True when the request may read: reads are open, or it carries the key (header) or a valid session.</summary>
    public static bool MayRead(HttpContext context) => !Options(context).ProtectReads || HasKey(context);

    /// <summary>True when the request carries the key in the header or a valid session cookie (what writes will need).</summary>
    public static bool HasKey(HttpContext context) =>
        ApiKey.IsValid(context) || (Options(context).ApiKey is { Length: > 0 } key && IsValid(context.Request.Cookies[Cookie], key, DateTimeOffset.UtcNow));

    /// <summary>Signs in when the key given is the configured one (compared in constant time); false otherwise.</summary>
    public static bool SignIn(HttpContext context, string? given)
    {
        if (!IsTheKey(context, given))
        {
            return false;
        }
        var key = Options(context).ApiKey!;
        var expires = DateTimeOffset.UtcNow + Lifetime;
        context.Response.Cookies.Append(Cookie, Token(key, expires), CookieOptions(context, expires));
        return true;
    }

    /// <summary>True when <paramref name="given"/> is the configured key (compared in constant time); false when none is configured.</summary>
    public static bool IsTheKey(HttpContext context, string? given) =>
        Options(context).ApiKey is { } key && !string.IsNullOrWhiteSpace(key) && !string.IsNullOrEmpty(given)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static void SignOut(HttpContext context) => context.Response.Cookies.Delete(Cookie, CookieOptions(context, null));

    /// <summary>Whether the service has a key at all (without one there is nothing to sign in with).</summary>
    public static bool KeyConfigured(HttpContext context) => !string.IsNullOrWhiteSpace(Options(context).ApiKey);

    public static bool ReadsProtected(HttpContext context) => Options(context).ProtectReads;

    internal static string Token(string key, DateTimeOffset expires)
    {
        var stamp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return stamp + "." + Convert.ToBase64String(Mac(key, stamp)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    internal static bool IsValid(string? token, string key, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token) || token.Split('.') is not [var stamp, var mac]
            || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || DateTimeOffset.FromUnixTimeSeconds(seconds) <= now)
        {
            return false;
        }
        var expected = Token(key, DateTimeOffset.FromUnixTimeSeconds(seconds));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token));
    }

    private static byte[] Mac(string key, string stamp) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes("journeyml-workspace-session|" + stamp));

    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private static SecurityOptions Options(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;

    /// <summary>
    /// A sign-in or sign-out form posted from another site is refused: the browser names the page's origin, and it must be
    /// this service's (SameSite=Strict keeps the cookie from being sent, this keeps a session from being planted).
    /// </summary>
    public static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A write posted from a workspace page: a form, the browser naming this service as the page's origin (Origin, and
    /// Sec-Fetch-Site when it sends one). Anything posted from another site is refused before the key is even looked at.
    /// </summary>
    public static bool SameOriginWrite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return request.HasFormContentType && SameOrigin(request) && site is "" or "same-origin";
    }

    /// <summary>A return address after sign-in: a path of this site only (never another host, "//host" or "/\host").</summary>
    public static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal) ? url : "/";
}
