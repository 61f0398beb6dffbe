using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>
/// Features from the interventions table as of T: per kind, the days since the last one and how many in the 90 days
/// before T. Only rows strictly before T count, and never a control-arm row (it records who was held back, not a contact).
/// Written only when the export has an interventions table, so every other export's table is unchanged.
/// </summary>
public static class InterventionFeatures
{
    private const string DaysSincePrefix = "days_since_intervention_";
    private const string CountPrefix = "interventions_90d_";
    private const int WindowDays = 90;

    /// <summary>Days since the last intervention of this kind before the as-of date (missing when none).</summary>
    public static string DaysSince(string kind) => DaysSincePrefix + kind;

    /// <summary>Interventions of this kind in the 90 days before the as-of date.</summary>
    public static string Count90d(string kind) => CountPrefix + kind;

    /// <summary>The kind an intervention feature is about, and whether it is the count (else days since); false for any other feature.</summary>
    public static bool TryParse(string feature, out string kind, out bool isCount)
    {
        isCount = feature.StartsWith(CountPrefix, StringComparison.Ordinal);
        bool daysSince = feature.StartsWith(DaysSincePrefix, StringComparison.Ordinal);
        kind = isCount ? feature[CountPrefix.Length..] : daysSince ? feature[DaysSincePrefix.Length..] : "";
        return kind.Length > 0;
    }

    /// <summary>The kinds a dataset's features are written for: those with a row that is not on a control arm.</summary>
    public static IReadOnlyList<string> KindsOf(InterventionTable? table) =>
        table is null ? [] : [.. table.Kinds.Where(k => table.Rows.Any(r => r.Kind == k && r.Arm != InterventionArm.Control))];

    /// <summary>The two columns written for a kind, as (name, description).</summary>
    public static ((string Name, string Description) DaysSince, (string Name, string Description) Count) Definitions(string kind) =>
        ((DaysSince(kind), $"days since the last '{kind}' intervention (missing when none before the as-of date)"),
         (Count90d(kind), $"'{kind}' interventions in the last 90 days"));

    /// <summary>Two columns per kind for the customers at <paramref name="rows"/>; NaN for both when the data holds no interventions table (a live request).</summary>
    internal static IEnumerable<FeatureColumn> Columns(IReadOnlyList<string> kinds, InterventionTable? table, IReadOnlyList<int> rows, DateTime asOf)
    {
        var rowOf = new Dictionary<int, int>(rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            rowOf[rows[r]] = r;
        }
        long windowStart = asOf.AddDays(-WindowDays).Ticks;
        foreach (var kind in kinds)
        {
            var daysSince = new float[rows.Count];
            var count = new float[rows.Count];
            Array.Fill(daysSince, float.NaN);
            if (table is null)
            {
                Array.Fill(count, float.NaN);
            }
            else
            {
                foreach (var i in table.Rows)
                {
                    // Strictly before T: an intervention on T itself is part of what happens next, not what was known.
                    if (i.Kind != kind || i.Arm == InterventionArm.Control || i.OccurredAt >= asOf || !rowOf.TryGetValue(i.Customer, out int r))
                    {
                        continue;
                    }
                    daysSince[r] = (float)(asOf - i.OccurredAt).TotalDays;
                    count[r] += i.OccurredAt.Ticks >= windowStart ? 1 : 0;
                }
            }
            var (daysSinceColumn, countColumn) = Definitions(kind);
            yield return FeatureColumn.Numeric(daysSinceColumn.Name, daysSinceColumn.Description, daysSince);
            yield return FeatureColumn.Numeric(countColumn.Name, countColumn.Description, count);
        }
    }
}
