using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace JourneyML.Api.Errors;

/// <summary>
/// The framework's own bad-request errors (parameter binding, a missing or mistyped body) in the API's words: the
/// field and what it must be. The framework's text quotes the value sent and the handler's parameter types
/// (<c>Failed to bind parameter "int top" from "abc"</c>, <c>Implicit body inferred for parameter ...</c>): neither is
/// repeated.
/// </summary>
internal static partial class FrameworkProblem
{
    public static ProblemDetails Of(BadHttpRequestException e)
    {
        var message = e.Message;
        if (BindFailure().Match(message) is { Success: true } bind)
        {
            return Field(bind.Groups["name"].Value, $"expected {Expected(bind.Groups["type"].Value)}");
        }
        if (Required().Match(message) is { Success: true } required)
        {
            return required.Groups["source"].Value == "body" ? Field("body", "required: a JSON body") : Field(required.Groups["name"].Value, "required");
        }
        if (message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || message.Contains("body was provided", StringComparison.Ordinal))
        {
            return Field("body", "required: a JSON body (Content-Type: application/json)");
        }
        if (e.StatusCode == StatusCodes.Status415UnsupportedMediaType || message.Contains("media type", StringComparison.OrdinalIgnoreCase))
        {
            return new ProblemDetails { Status = 415, Title = "Unsupported body type", Detail = "send the body as JSON with Content-Type: application/json" };
        }
        return new ProblemDetails { Status = e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, Title = "The request could not be read" };
    }

    private static HttpValidationProblemDetails Field(string name, string reason) =>
        new(new Dictionary<string, string[]> { [name] = [reason] }) { Status = 400, Title = "The request is invalid" };

    /// <summary>A parameter's type as a user writes values ("a whole number"), from the type name in the framework's message.</summary>
    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>') switch
    {
        "int" or "Int32" or "long" or "Int64" => "a whole number",
        "double" or "Double" or "float" or "Single" or "decimal" => "a number",
        "bool" or "Boolean" => "true or false",
        "DateTime" or "DateTimeOffset" or "DateOnly" => "a date (yyyy-MM-dd, or an ISO 8601 time in UTC)",
        "Guid" => "an id",
        _ => "a value of another form",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^ "]+)" was not provided from (?<source>\w+)""")]
    private static partial Regex Required();
}
