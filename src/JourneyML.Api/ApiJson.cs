using System.Text.Json;
using System.Text.Json.Serialization;

namespace JourneyML.Api;

/// <summary>The API's JSON: camelCase, enums as text, no NaN (a missing score is null); a request field the API does not know is refused (a misspelt field is not silently ignored).</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }

    /// <summary>A score as the API shows it: rounded to 4 places, null when it does not apply.</summary>
    public static double? Score(float value) => Core.Scoring.CustomerRow.RoundScore(value);

    public static double? Score(float? value) => value is { } v ? Score(v) : null;
}
