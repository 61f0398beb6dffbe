namespace JourneyML.Core.Scoring;

/// <summary>
/// A segment's members in the latest snapshot, in the order every list and export shows them. One definition of a
/// segment's size everywhere (<c>segments list</c>, <c>segments export</c>, the API's segments and member lists): the
/// customers the latest snapshot puts in it, paying customers, leads and churned customers alike.
/// </summary>
public static class SegmentMemberList
{
    /// <summary>
    /// The rows of a segment's customers in <see cref="RankedList"/> order: paying customers by churn risk (highest first),
    /// then leads by lead score, then churned customers, ties by id, so pages and exports are stable.
    /// </summary>
    /// <exception cref="NotFoundException">No customer of the segment in the snapshot.</exception>
    public static int[] Rows(SnapshotView view, int segmentId)
    {
        var s = view.Latest;
        var members = RankedList.Sorted(s, Enumerable.Range(0, s.Count).Where(r => s.SegmentIds[r] == segmentId));
        if (members.Length == 0)
        {
            throw new NotFoundException("segment",
                $"segment {segmentId} has no members in the latest snapshot (segments there: {string.Join(", ", s.SegmentIds.Distinct().Order())})");
        }
        return members;
    }

    /// <summary>
    /// Members per segment in the latest snapshot, by section, or null when another model version scored it than
    /// <paramref name="modelVersion"/> (its segment ids may mean other segments).
    /// </summary>
    public static IReadOnlyDictionary<int, ListCounts>? Sizes(SnapshotView view, string modelVersion)
    {
        var s = view.Latest;
        return s.ModelVersion == modelVersion
            ? Enumerable.Range(0, s.Count).GroupBy(r => s.SegmentIds[r]).ToDictionary(g => g.Key, g => RankedList.Count(s, g))
            : null;
    }

    /// <summary>The segment's members as CSV for a campaign tool, in <see cref="Rows"/> order.</summary>
    public static string ToCsv(SnapshotView view, int segmentId, ExportFormat? format = null) =>
        CustomerExport.ToCsv(CustomerExport.PassThroughNames(view.Latest), Rows(view, segmentId).Select(r => CustomerRow.From(view, r)), format ?? ExportFormat.Default);
}
