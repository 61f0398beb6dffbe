using Microsoft.AspNetCore.WebUtilities;
using StringWithQualityHeaderValue = Microsoft.Net.Http.Headers.StringWithQualityHeaderValue;

namespace JourneyML.Api.Workspace;

/// <summary>
/// Which language a request is answered in: <c>?lang=ja|en</c> (the switch, remembered in a cookie), else the cookie, else
/// the browser's Accept-Language (the first of ja and en by quality), else English. English dates follow the browser's
/// region (en-GB writes 1 Jul 2026, en-US Jul 1, 2026).
/// </summary>
public static class WorkspaceLanguage
{
    public const string Cookie = "journeyml-lang";
    public const string Query = "lang";

    public static Ui For(HttpContext context, WorkspaceText text)
    {
        var accepted = Accepted(context.Request);
        string? chosen = Valid(context.Request.Query[Query]);
        if (chosen is not null)
        {
            context.Response.Cookies.Append(Cookie, chosen, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, MaxAge = TimeSpan.FromDays(365), Path = "/",
            });
        }
        chosen ??= Valid(context.Request.Cookies[Cookie]) ?? accepted.Select(a => a.Language).FirstOrDefault() ?? "en";
        var region = accepted.FirstOrDefault(a => a.Language == "en").Region;
        var culture = WorkspaceCulture.For(chosen, region);
        return new Ui(text.Of(chosen), culture, language => SwitchUrl(context.Request, language)) { SignedIn = WorkspaceSession.HasKey(context) };
    }

    private static string? Valid(string? language) =>
        language is null ? null : WorkspaceText.Languages.FirstOrDefault(l => string.Equals(l, language.Split('-')[0].Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The browser's languages we have, best first, with the region it gave (en-GB: "GB").</summary>
    private static List<(string Language, string? Region)> Accepted(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var values))
        {
            return [];
        }
        var found = new List<(string, string?)>();
        foreach (var value in values.Where(v => (v.Quality ?? 1) > 0).OrderByDescending(v => v.Quality ?? 1))
        {
            var parts = value.Value.ToString().Split('-');
            if (Valid(parts[0]) is { } language)
            {
                found.Add((language, parts.Length > 1 ? parts[1].ToUpperInvariant() : null));
            }
        }
        return found;
    }

    private static string SwitchUrl(HttpRequest request, string language)
    {
        var query = request.Query.Where(q => q.Key != Query).SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new(Query, language));
        // The path escaped as a URI component: whatever the request's path held, the link stays a path of this site.
        return QueryHelpers.AddQueryString((request.PathBase + request.Path).ToUriComponent(), query);
    }
}
