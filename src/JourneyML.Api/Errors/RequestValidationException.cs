using JourneyML.Core.Data;
using JourneyML.Core.Errors;

namespace JourneyML.Api.Errors;

/// <summary>A request that is well-formed JSON but invalid: every field named with its reasons; answered 400 problem+json (a kind of invalid input).</summary>
public sealed partial class RequestValidationException(IDictionary<string, string[]> errors)
    : InvalidInputException("the request is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static RequestValidationException For(string field, string reason) => new(new Dictionary<string, string[]> { [field] = [reason] });

    /// <summary>
    /// Turns validation problems of in-memory rows into field errors: a problem in row i of "customers" becomes
    /// <c>{prefix(i)}{column}</c>, for example <c>customers[2].features.logins_30d</c>.
    /// </summary>
    public static RequestValidationException From(IEnumerable<DataProblem> problems, Func<long, string> prefix) =>
        new(problems.GroupBy(p => prefix(p.Row) + (p.Column ?? ""))
            .ToDictionary(g => g.Key.TrimEnd('.'), g => g.Select(p => Unquoted(p.Reason)).Distinct().ToArray()));

    /// <summary>
    /// A reason without the values it quotes (Core's messages quote them for the CLI's user, "unknown event type 'x'"):
    /// the field is named, and an answer never repeats what the client sent.
    /// </summary>
    public static string Unquoted(string reason) => Spaces().Replace(Quoted().Replace(reason, ""), " ").Replace(" (", " (", StringComparison.Ordinal).Trim();

    [System.Text.RegularExpressions.GeneratedRegex("'[^']*'")]
    private static partial System.Text.RegularExpressions.Regex Quoted();

    [System.Text.RegularExpressions.GeneratedRegex(" {2,}")]
    private static partial System.Text.RegularExpressions.Regex Spaces();
}
