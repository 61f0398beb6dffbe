using System.Globalization;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>
/// Screens the customer's own columns before a model sees them. A customers table is an export taken today, so a column
/// may have been written after the outcome it would predict ("cancel reason", "contract end", "account status"):
/// behaviour features are point-in-time, these columns are not. A column is left out of a task's model when, alone, on
/// that task's training rows:
/// <list type="bullet">
/// <item>it ranks the outcome almost perfectly: ROC AUC at least <see cref="MaxAuc"/> either way (a number as it is, missing
/// values placed lowest and then highest; a category scored by its own outcome rate, categories under
/// <see cref="MinCategoryRows"/> rows pooled so that a near-unique column cannot look perfect by chance), or</item>
/// <item>(a category) at least <see cref="MaxPureShare"/> of the rows sit in categories of at least <see cref="MinCategoryRows"/>
/// rows that hold one outcome only, and such pure categories exist for both outcomes.</item>
/// </list>
/// Real signals (an industry that churns twice as often, fewer seats among churners) come nowhere near either line;
/// a column that crosses one almost always records the outcome itself.
/// </summary>
public static class LeakageGuard
{
    public const double MaxAuc = 0.98;
    public const double MaxPureShare = 0.95;
    public const int MinCategoryRows = 5;

    /// <summary>The columns among <paramref name="columns"/> that alone separate the label on <paramref name="rows"/>, each with the reason.</summary>
    /// <param name="outcome">The outcome in words for the reason ("churn", "conversion").</param>
    public static IReadOnlyList<LeftOutColumn> Check(FeatureTable table, IReadOnlyList<int> rows, float[] labels, IEnumerable<string> columns, string outcome)
    {
        var labelled = rows.Where(r => !float.IsNaN(labels[r])).ToArray();
        int positives = labelled.Count(r => labels[r] > 0.5f);
        if (positives == 0 || positives == labelled.Length)
        {
            return [];
        }
        var truth = labelled.Select(r => labels[r] > 0.5f ? 1f : 0f).ToArray();
        var leftOut = new List<LeftOutColumn>();
        foreach (var name in columns)
        {
            var reason = table.Find(name) switch
            {
                NumericColumn numeric => NumericReason(numeric, labelled, truth, outcome),
                CategoricalColumn categorical => CategoricalReason(categorical, labelled, truth, outcome),
                _ => null,
            };
            if (reason is not null)
            {
                leftOut.Add(new LeftOutColumn(name, reason));
            }
        }
        return leftOut;
    }

    private static string? NumericReason(NumericColumn column, int[] rows, float[] truth, string outcome)
    {
        double best = 0;
        foreach (float missingAs in new[] { float.MinValue, float.MaxValue })
        {
            var scores = rows.Select(r => float.IsNaN(column.Values[r]) ? missingAs : column.Values[r]).ToArray();
            best = Math.Max(best, TwoWay(ClassificationMetrics.RocAuc(scores, truth)));
        }
        return best >= MaxAuc ? Sentence(outcome, $"ROC AUC {best.ToString("0.000", CultureInfo.InvariantCulture)} from this column by itself") : null;
    }

    private static string? CategoricalReason(CategoricalColumn column, int[] rows, float[] truth, string outcome)
    {
        const string Rare = "\0rare";
        var buckets = rows.Select(r => column.Values[r] ?? "(missing)").ToArray();
        var size = buckets.GroupBy(b => b, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        for (int i = 0; i < buckets.Length; i++)
        {
            buckets[i] = size[buckets[i]] < MinCategoryRows ? Rare : buckets[i];
        }
        var groups = buckets.Select((b, i) => (b, i)).GroupBy(x => x.b, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Rows: g.Count(), Positives: g.Sum(x => (double)truth[x.i]))).ToList();
        var rate = groups.ToDictionary(g => g.Name, g => g.Positives / g.Rows, StringComparer.Ordinal);
        double auc = TwoWay(ClassificationMetrics.RocAuc(buckets.Select(b => (float)rate[b]).ToArray(), truth));
        if (auc >= MaxAuc)
        {
            return Sentence(outcome, $"ROC AUC {auc.ToString("0.000", CultureInfo.InvariantCulture)} from its categories by themselves");
        }
        var pure = groups.Where(g => g.Name != Rare && (g.Positives == 0 || g.Positives == g.Rows)).ToList();
        double share = pure.Sum(g => g.Rows) / (double)rows.Length;
        if (share >= MaxPureShare && pure.Any(g => g.Positives == 0) && pure.Any(g => g.Positives > 0))
        {
            var example = pure.Where(g => g.Positives > 0).OrderByDescending(g => g.Rows).First().Name;
            return Sentence(outcome, $"{share.ToString("0%", CultureInfo.InvariantCulture)} of the rows are in categories of one outcome only ('{example}' holds only positive ones)");
        }
        return null;
    }

    private static double TwoWay(double auc) => Math.Max(auc, 1 - auc);

    private static string Sentence(string outcome, string evidence) =>
        $"alone it separates {outcome} almost perfectly on the training rows ({evidence}): most likely written at or after the outcome";
}
