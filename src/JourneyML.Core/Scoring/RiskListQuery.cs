using System.Runtime.CompilerServices;

namespace JourneyML.Core.Scoring;

/// <summary>Where a churn risk stands against the model's At-risk cut: at or above it, at or above half of it, below.</summary>
public enum RiskBand
{
    Low,
    Medium,
    High,
}

/// <summary>The orders the churn-risk list can be read in.</summary>
public enum RiskListOrder
{
    /// <summary>Highest churn risk first, ties by id: the ranked list itself.</summary>
    RiskDescending,
    RiskAscending,
    /// <summary>The biggest rise since the previous snapshot first (customers without a change last).</summary>
    ChangeDescending,
    /// <summary>By customer id (ordinal).</summary>
    CustomerId,
}

/// <summary>
/// The filters of the churn-risk list (the API's <c>/v1/churn-risk</c> and the workspace's page share them): segment, stage,
/// account, a lowest risk, a risk band, "risk rose since the previous snapshot", the customer's own columns (owner, plan...)
/// and a search of ids and names. A filter left null does not filter.
/// </summary>
public sealed record RiskFilter
{
    /// <summary>A rise at least this big is "risk rose": below it the change reads "unchanged" (<see cref="Changes"/>).</summary>
    public const float RoseBy = 0.005f;

    public int? Segment { get; init; }
    public string? Stage { get; init; }
    public string? Account { get; init; }
    public double? MinRisk { get; init; }
    public RiskBand? Band { get; init; }
    /// <summary>The At-risk cut the bands are measured against (the model's, or the configured alert threshold).</summary>
    public double BandCut { get; init; } = AlertRules.DefaultChurnRiskThreshold;
    public bool RoseOnly { get; init; }
    /// <summary>Passed-through column name and the value it must have (compared ignoring case).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Columns { get; init; } = [];
    /// <summary>Part of a customer id, account id or passed-through value (a name, an email), ignoring case.</summary>
    public string? Search { get; init; }

    public bool IsEmpty => Segment is null && Stage is null && Account is null && MinRisk is null && Band is null && !RoseOnly && Columns.Count == 0
        && string.IsNullOrWhiteSpace(Search);

    /// <summary>The band a churn risk falls in against <paramref name="cut"/>.</summary>
    public static RiskBand BandOf(double risk, double cut) => risk >= cut ? RiskBand.High : risk >= cut / 2 ? RiskBand.Medium : RiskBand.Low;

    /// <summary>The test of a snapshot's rows against every filter (the passed-through columns looked up once, not per row).</summary>
    public Func<int, bool> For(Snapshot s)
    {
        var columns = Columns.Select(c => (Values: s.PassThrough.FirstOrDefault(p => string.Equals(p.Name, c.Key, StringComparison.Ordinal))?.Values, Value: c.Value.Trim())).ToArray();
        var search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();
        return r =>
        {
            if ((Segment is { } segment && s.SegmentIds[r] != segment)
                || (Stage is not null && !string.Equals(s.Stage[r], Stage, StringComparison.OrdinalIgnoreCase))
                || (Account is not null && !string.Equals(s.AccountIds[r], Account, StringComparison.Ordinal))
                || (MinRisk is { } min && !(s.ChurnRisk[r] >= min))
                || (Band is { } band && (float.IsNaN(s.ChurnRisk[r]) || BandOf(s.ChurnRisk[r], BandCut) != band))
                || (RoseOnly && !(s.Change[r] >= RoseBy)))
            {
                return false;
            }
            foreach (var (values, value) in columns)
            {
                // A column the snapshot does not have matches nobody: the filter is never silently dropped.
                if (values is null || !string.Equals(values[r]?.Trim(), value, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            return search is null || Found(s, r, search);
        };
    }

    private static bool Found(Snapshot s, int r, string text) =>
        s.CustomerIds[r].Contains(text, StringComparison.OrdinalIgnoreCase)
        || (s.AccountIds[r]?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
        || s.PassThrough.Any(p => p.Values[r]?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);
}

/// <summary>One page of the filtered churn-risk list: its rows (with their rank in the whole list) and how many rows match.</summary>
public sealed record RiskListPage(IReadOnlyList<CustomerRow> Rows, int Matching, int Offset);

/// <summary>
/// Reads the churn-risk list of a <see cref="SnapshotView"/> a page at a time: it walks the view's ranked index (or an
/// index in another order, built once per snapshot and kept), so a page over a million customers never builds more
/// rows than it shows. Counting the matches is one pass of comparisons over the index; with no filter it is the
/// index's length.
/// </summary>
public static class RiskListQuery
{
    private static readonly ConditionalWeakTable<SnapshotView, Dictionary<RiskListOrder, int[]>> s_orders = [];

    /// <summary>The rows from <paramref name="offset"/> (0-based, among the matches) up to <paramref name="limit"/> of them.</summary>
    public static RiskListPage Page(SnapshotView view, RiskFilter filter, RiskListOrder order, int offset, int limit)
    {
        var s = view.Latest;
        var index = Index(view, order);
        bool descending = order != RiskListOrder.RiskAscending;
        var rows = new List<CustomerRow>(Math.Min(limit, 1024));
        if (filter.IsEmpty)
        {
            for (int i = offset; i < index.Length && rows.Count < limit; i++)
            {
                rows.Add(CustomerRow.From(view, At(index, i, descending)));
            }
            return new RiskListPage(rows, index.Length, offset);
        }
        var matches = filter.For(s);
        int matching = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int r = At(index, i, descending);
            if (!matches(r))
            {
                continue;
            }
            if (matching >= offset && rows.Count < limit)
            {
                rows.Add(CustomerRow.From(view, r));
            }
            matching++;
        }
        return new RiskListPage(rows, matching, offset);
    }

    /// <summary>Every matching row in the order asked, for an export of the filtered list (its reasons in <paramref name="language"/>).</summary>
    public static IEnumerable<CustomerRow> All(SnapshotView view, RiskFilter filter, RiskListOrder order, Prediction.ReasonLanguage language = Prediction.ReasonLanguage.English)
    {
        var index = Index(view, order);
        bool descending = order != RiskListOrder.RiskAscending;
        var matches = filter.For(view.Latest);
        for (int i = 0; i < index.Length; i++)
        {
            int r = At(index, i, descending);
            if (matches(r))
            {
                yield return CustomerRow.From(view, r, language);
            }
        }
    }

    /// <summary>What the list can be ranked by (<c>rankBy</c>): the churn risk (the default), or the uplift of the best action.</summary>
    public static IReadOnlyList<string> RankBy { get; } = ["risk", "uplift"];

    /// <summary>
    /// The paying customers of the ranked list by the uplift of their best action (the snapshot's <see cref="CustomerUplift"/>
    /// columns), highest first; customers no measured kind helps come last, each group in churn-risk order. Sorted once per
    /// snapshot view.
    /// </summary>
    public static int[] RankedByUplift(SnapshotView view, CustomerUplift uplift) =>
        s_byUplift.GetValue(view, v => new StrongBox<int[]>(uplift.Ranked(v.RankedByRisk))).Value!;

    private static readonly ConditionalWeakTable<SnapshotView, StrongBox<int[]>> s_byUplift = new();

    // Ascending risk walks the ranked index backwards rather than keeping a second copy of it.
    private static int At(int[] index, int i, bool forward) => forward ? index[i] : index[index.Length - 1 - i];

    private static int[] Index(SnapshotView view, RiskListOrder order)
    {
        if (order is RiskListOrder.RiskDescending or RiskListOrder.RiskAscending)
        {
            return view.RankedByRisk;
        }
        var orders = s_orders.GetValue(view, _ => []);
        lock (orders)
        {
            if (!orders.TryGetValue(order, out var index))
            {
                index = Sorted(view, order);
                orders[order] = index;
            }
            return index;
        }
    }

    private static int[] Sorted(SnapshotView view, RiskListOrder order)
    {
        var s = view.Latest;
        var index = (int[])view.RankedByRisk.Clone();
        Comparison<int> byId = (a, b) => string.CompareOrdinal(s.CustomerIds[a], s.CustomerIds[b]);
        Array.Sort(index, order == RiskListOrder.CustomerId ? byId : (a, b) =>
        {
            float x = s.Change[a], y = s.Change[b];
            int c = (float.IsNaN(x), float.IsNaN(y)) switch { (true, true) => 0, (true, false) => 1, (false, true) => -1, _ => y.CompareTo(x) };
            return c != 0 ? c : byId(a, b);
        });
        return index;
    }
}
