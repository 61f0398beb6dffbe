using System.Globalization;

namespace JourneyML.Core.Features;

/// <summary>
/// How a user's own column is typed, wherever one arrives (a ready feature table's column, a customers table's extra
/// column): numeric when every non-empty value is a number (or true/false), else categorical. One rule, so a column
/// reads the same in mode A and mode B.
/// </summary>
public static class ColumnTypes
{
    /// <summary>A number, a boolean (1/0) or blank (NaN); false for anything else, which makes the column categorical.</summary>
    public static bool TryNumber(string? text, out float value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = float.NaN;
            return true;
        }
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
        {
            value = (float)d;
            return true;
        }
        if (bool.TryParse(trimmed, out bool b))
        {
            value = b ? 1 : 0;
            return true;
        }
        value = float.NaN;
        return false;
    }

    /// <summary>A column's kind from its values (null or blank: missing): numeric when every value present is a number.</summary>
    public static FeatureKind Infer(IEnumerable<string?> values) =>
        values.All(v => TryNumber(v, out _)) ? FeatureKind.Numeric : FeatureKind.Categorical;
}
