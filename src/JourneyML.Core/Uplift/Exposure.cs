using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Uplift;

/// <summary>
/// Who got an intervention kind at the as-of date, and whom they are compared with. Only customers paying at T with a
/// known churn label take part. A customer given another kind in the contact window is left out of this kind's
/// comparison (their outcome answers to the other action). With a control arm in the window the comparison is the
/// randomised one (the kind's treatment arm against its control arm); otherwise everyone else untouched is the comparison.
/// </summary>
internal sealed record Exposure(string Kind, bool Randomised, int[] Rows, bool[] Treated, float[] Churned, string[] Groups)
{
    public int TreatedCount => Treated.Count(t => t);
    public int ComparisonCount => Treated.Length - TreatedCount;

    /// <summary>Every paying customer with a known label (the rows uplift is scored for), in table order.</summary>
    public static int[] Eligible(FeatureTable table)
    {
        var churn = table.Labels[LabelNames.Churn];
        return [.. Enumerable.Range(0, table.RowCount).Where(r => table.Status?[r] == CustomerStatus.Customer && !float.IsNaN(churn[r]))];
    }

    public static IReadOnlyList<Exposure> Of(FeatureTable table, InterventionTable interventions, CustomerTable customers, UpliftOptions options)
    {
        var asOf = table.AsOf ?? throw new ArgumentException("the feature table has no as-of date");
        var until = asOf.AddDays(options.ContactWindowDays);
        var rowOf = new Dictionary<string, int>(table.RowCount, StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            rowOf[table.CustomerIds[r]] = r;
        }
        var given = new Dictionary<int, HashSet<string>>();
        var held = new Dictionary<int, HashSet<string>>();
        foreach (var i in interventions.Rows)
        {
            if (i.OccurredAt < asOf || i.OccurredAt >= until || !rowOf.TryGetValue(customers[i.Customer].CustomerId, out int r))
            {
                continue;
            }
            var into = i.Arm == InterventionArm.Control ? held : given;
            if (!into.TryGetValue(r, out var kinds))
            {
                into[r] = kinds = new HashSet<string>(StringComparer.Ordinal);
            }
            kinds.Add(i.Kind);
        }
        var eligible = Eligible(table);
        var churn = table.Labels[LabelNames.Churn];
        var result = new List<Exposure>();
        foreach (var kind in interventions.Kinds)
        {
            bool Got(int r) => given.TryGetValue(r, out var k) && k.Contains(kind);
            bool HeldBack(int r) => held.TryGetValue(r, out var k) && k.Contains(kind);
            bool Other(int r) => given.TryGetValue(r, out var k) && k.Any(x => x != kind);
            bool randomised = eligible.Any(HeldBack);
            var rows = eligible.Where(r => !Other(r) && (!randomised || Got(r) || HeldBack(r))).ToArray();
            if (rows.Length == 0 || !rows.Any(Got))
            {
                continue;
            }
            result.Add(new Exposure(kind, randomised, rows, [.. rows.Select(Got)], [.. rows.Select(r => churn[r])],
                [.. rows.Select(r => table.AccountIds?[r] is { Length: > 0 } a ? "a:" + a : "c:" + table.CustomerIds[r])]));
        }
        return result;
    }
}
