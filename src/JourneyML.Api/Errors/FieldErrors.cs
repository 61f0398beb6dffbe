using System.Globalization;

namespace JourneyML.Api.Errors;

/// <summary>
/// A request's parameters checked in one pass: every invalid field named with its reason, then one 400 answer
/// (<see cref="RequestValidationException"/>) listing them all. Ranges read as users write them ("between 1 and 10,000").
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = [];

    public FieldErrors Check(string field, bool valid, string reason)
    {
        if (!valid)
        {
            _errors[field] = [reason];
        }
        return this;
    }

    /// <summary>A value left out is valid (its default applies); one given must be within [min, max].</summary>
    public FieldErrors Between(string field, int? value, int min, int max, string? unit = null) =>
        Check(field, value is null || value >= min && value <= max, Range(min, max, unit));

    /// <summary>A value left out is valid; one given must be a number within [min, max] (NaN is not).</summary>
    public FieldErrors Between(string field, double? value, double min, double max) =>
        Check(field, value is null || value >= min && value <= max, Range(min, max, null));

    /// <summary>A value left out is valid; one given must be one of the allowed words ("json, html or md").</summary>
    public FieldErrors OneOf(string field, string? value, params string[] allowed) =>
        Check(field, value is null || allowed.Contains(value, StringComparer.Ordinal),
            allowed.Length == 1 ? allowed[0] : $"{string.Join(", ", allowed[..^1])} or {allowed[^1]}");

    /// <summary>Throws the 400 answer when any field was invalid.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new RequestValidationException(_errors);
        }
    }

    private static string Range<T>(T min, T max, string? unit) where T : IFormattable =>
        string.Create(CultureInfo.InvariantCulture, $"between {min.ToString("#,0.###", CultureInfo.InvariantCulture)} and {max.ToString("#,0.###", CultureInfo.InvariantCulture)}{(unit is null ? "" : " " + unit)}");
}
