namespace JourneyML.Core.Scoring;

/// <summary>A segment's members in the latest snapshot, in the order every list and export shows them.</summary>
public static class SegmentMemberList
{
    /// <summary>
    /// The rows of a segment's customers: ranked by churn risk (highest first), then those without one (leads) by lead
    /// score, then by id, so pages and exports are stable.
    /// </summary>
    /// <exception cref="NotFoundException">No customer of the segment in the snapshot.</exception>
    public static int[] Rows(SnapshotView view, int segmentId)
    {
        var s = view.Latest;
        var members = Enumerable.Range(0, s.Count).Where(r => s.SegmentIds[r] == segmentId)
            .OrderBy(r => view.RankOf(r) < 0 ? int.MaxValue : view.RankOf(r))
            .ThenByDescending(r => float.IsNaN(s.LeadScore[r]) ? -1 : s.LeadScore[r])
            .ThenBy(r => s.CustomerIds[r], StringComparer.Ordinal)
            .ToArray();
        if (members.Length == 0)
        {
            throw new NotFoundException("segment",
                $"segment {segmentId} has no members in the latest snapshot (segments there: {string.Join(", ", s.SegmentIds.Distinct().Order())})");
        }
        return members;
    }

    /// <summary>
    /// Customers per segment in the latest snapshot, or null when another model version scored it than
    /// <paramref name="modelVersion"/> (its segment ids may mean other segments).
    /// </summary>
    public static IReadOnlyDictionary<int, int>? Sizes(SnapshotView view, string modelVersion) =>
        view.Latest.ModelVersion == modelVersion ? view.Latest.SegmentIds.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count()) : null;

    /// <summary>The segment's members as CSV for a campaign tool (<see cref="CustomerRow.CsvHeader"/>), in <see cref="Rows"/> order.</summary>
    public static string ToCsv(SnapshotView view, int segmentId) => CustomerRow.ToCsv(Rows(view, segmentId).Select(r => CustomerRow.From(view, r)));
}
