using JourneyML.Api.Errors;
using JourneyML.Core.Prediction;
using StringWithQualityHeaderValue = Microsoft.Net.Http.Headers.StringWithQualityHeaderValue;

namespace JourneyML.Api.Predictions;

/// <summary>
/// The language a client reads reasons in: <c>?lang=ja|en</c>, else the first of Japanese and English in its
/// Accept-Language (by quality), else English, so a client that asks for nothing sees what it always did.
/// </summary>
public static class ReasonLanguages
{
    public const string Query = "lang";

    public static ReasonLanguage Of(HttpContext? context)
    {
        if (context is null)
        {
            return ReasonLanguage.English;
        }
        var asked = context.Request.Query[Query].ToString();
        if (asked.Length > 0)
        {
            return Parse(asked) ?? throw RequestValidationException.For(Query, $"'{asked}' is not a language of the reasons: ja or en");
        }
        if (!StringWithQualityHeaderValue.TryParseList(context.Request.Headers.AcceptLanguage, out var values))
        {
            return ReasonLanguage.English;
        }
        return values.Where(v => (v.Quality ?? 1) > 0).OrderByDescending(v => v.Quality ?? 1)
            .Select(v => Parse(v.Value.ToString())).FirstOrDefault(l => l is not null) ?? ReasonLanguage.English;
    }

    private static ReasonLanguage? Parse(string language) => language.Split('-')[0].Trim().ToLowerInvariant() switch
    {
        "ja" => ReasonLanguage.Japanese,
        "en" => ReasonLanguage.English,
        _ => null,
    };
}
