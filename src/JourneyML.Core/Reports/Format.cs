using System.Globalization;

namespace JourneyML.Core.Reports;

/// <summary>Numbers as a reader expects them: invariant culture, percentages as percentages, "n/a" for what was not computed.</summary>
internal static class Format
{
    public const string Missing = "n/a";
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    public static string Count(long value) => value.ToString("N0", s_culture);

    public static string Percent(double share) => double.IsFinite(share) ? share.ToString("0.0%", s_culture) : Missing;

    public static string Percent(double? share) => share is { } s ? Percent(s) : Missing;

    /// <summary>A score such as an AUC or a silhouette: three decimals.</summary>
    public static string Ratio(double value) => Number(value, 3);

    public static string Ratio(double? value) => value is { } v ? Ratio(v) : Missing;

    public static string Number(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("N" + decimals.ToString(s_culture), s_culture) : Missing;

    public static string Signed(double value, int decimals) =>
        double.IsFinite(value) ? (value >= 0 ? "+" : "") + value.ToString("N" + decimals.ToString(s_culture), s_culture) : Missing;

    public static string Seconds(double seconds) => double.IsFinite(seconds) ? seconds.ToString("N1", s_culture) + " s" : Missing;

    public static string Date(DateTime date) => date.ToString("yyyy-MM-dd", s_culture);

    public static string Timestamp(DateTime time) => time.ToString("yyyy-MM-dd HH:mm", s_culture) + (time.Kind == DateTimeKind.Utc ? " UTC" : "");
}
