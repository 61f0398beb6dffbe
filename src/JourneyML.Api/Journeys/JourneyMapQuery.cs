using System.Globalization;
using JourneyML.Core.Journeys;

namespace JourneyML.Api.Journeys;

/// <summary>
/// The journey map's analysis options as query parameters, the same as the CLI's <c>--window</c> and <c>--designed</c>:
/// <c>window=30&amp;window=180</c> or <c>window=30,180</c>; <c>designed=MQL&gt;SQL&amp;designed=SQL&gt;Opportunity</c> or one
/// comma-separated list. Each parse says what is wrong in words for the field's error, never a 5xx.
/// </summary>
internal static class JourneyMapQuery
{
    /// <summary>The windows in days, null when none were given.</summary>
    public static IReadOnlyList<int>? Windows(string[]? values, out string? error)
    {
        error = null;
        var items = Items(values);
        if (items is null)
        {
            return null;
        }
        if (items.Count == 0)
        {
            error = "give at least one conversion window in days (window=30,90)";
            return null;
        }
        var days = new List<int>(items.Count);
        foreach (var item in items)
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int d) || d < 1 || d > JourneyAnalysisOptions.MaxWindowDays)
            {
                error = $"'{Shown(item)}' is not a conversion window: give whole days between 1 and {JourneyAnalysisOptions.MaxWindowDays} (window=30,90)";
                return null;
            }
            days.Add(d);
        }
        return days.Distinct().Order().ToList();
    }

    /// <summary>The designed moves, null when none were given. Stage names are checked by the map, against its stages.</summary>
    public static IReadOnlyList<DesignedMove>? Moves(string[]? values, out string? error)
    {
        error = null;
        var items = Items(values);
        if (items is null)
        {
            return null;
        }
        if (items.Count == 0)
        {
            error = "give at least one move from>to (designed=MQL>SQL,SQL>Opportunity)";
            return null;
        }
        var moves = new List<DesignedMove>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var ends = items[i].Split('>', StringSplitOptions.TrimEntries);
            if (ends.Length != 2 || ends[0].Length == 0 || ends[1].Length == 0)
            {
                error = $"move {i + 1} '{Shown(items[i])}' is not from>to (designed=MQL>SQL,SQL>Opportunity)";
                return null;
            }
            moves.Add(new DesignedMove(ends[0], ends[1]));
        }
        return moves;
    }

    /// <summary>Every value split at commas, blanks dropped; null when the parameter is absent, empty when given but blank.</summary>
    private static List<string>? Items(string[]? values) =>
        values is null || values.Length == 0 ? null
        : [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>A value as echoed in an error: at most 40 characters, so a long query does not come back whole.</summary>
    private static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
