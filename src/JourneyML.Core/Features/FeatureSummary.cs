using System.Diagnostics;

namespace JourneyML.Core.Features;

/// <summary>
/// One feature at a glance: how often it is missing and, for a number, its mean, median, 90th percentile and maximum
/// (missing values left out); for a category, how many there are and the most common one.
/// </summary>
public sealed record FeatureStats(
    string Name,
    FeatureKind Kind,
    int Rows,
    double MissingShare,
    double Mean,
    double Median,
    double P90,
    double Max,
    int Categories,
    string? MostCommon,
    string Description);

/// <summary>A group of rows named by what happened to them within the horizon (for example "customers who churned").</summary>
public sealed record OutcomeGroup(string Name, int[] Rows);

/// <summary>The mean of a signal in each outcome group (missing values left out; NaN for a group without a value).</summary>
public sealed record SignalMeans(string Signal, IReadOnlyList<double> Means);

/// <summary>The first look at a feature table before any model: what each feature holds, and how signals differ by outcome.</summary>
public static class FeatureSummary
{
    /// <summary>The signals a first look compares by outcome: the classic churn and buying-intent warnings.</summary>
    public static IReadOnlyList<string> KeySignals { get; } =
        [FeatureNames.Logins30d, FeatureNames.LoginTrend, FeatureNames.DaysSinceLastLogin, FeatureNames.Tickets30d, FeatureNames.Content30d, FeatureNames.PricingViews14d, FeatureNames.AccountEngagedContacts30d];

    /// <summary>Every column of the table, in its order.</summary>
    public static IReadOnlyList<FeatureStats> Describe(FeatureTable table) => [.. table.Columns.Select(Describe)];

    public static FeatureStats Describe(FeatureColumn column)
    {
        int rows = column.Length;
        if (column is NumericColumn { Values: var numbers })
        {
            var present = numbers.Where(v => !float.IsNaN(v)).Select(v => (double)v).Order().ToArray();
            double missing = rows == 0 ? 0 : (double)(rows - present.Length) / rows;
            return present.Length == 0
                ? new FeatureStats(column.Name, column.Kind, rows, missing, double.NaN, double.NaN, double.NaN, double.NaN, 0, null, column.Description)
                : new FeatureStats(column.Name, column.Kind, rows, missing, present.Average(), Quantile(present, 0.5), Quantile(present, 0.9),
                    present[^1], 0, null, column.Description);
        }
        var categories = column is CategoricalColumn categorical ? categorical.Values : throw new UnreachableException($"feature '{column.Name}' is neither numeric nor categorical");
        int absent = categories.Count(c => c is null);
        var common = categories.Where(c => c is not null).GroupBy(c => c!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        return new FeatureStats(column.Name, column.Kind, rows, rows == 0 ? 0 : (double)absent / rows, double.NaN, double.NaN, double.NaN, double.NaN,
            common.Count, common.Count == 0 ? null : common[0].Key, column.Description);
    }

    /// <summary>Customers active at the as-of date split by the churn label: those who stayed, then those who churned.</summary>
    public static IReadOnlyList<OutcomeGroup> ChurnGroups(FeatureTable table) =>
        Split(table, LabelNames.Churn, "customers who stayed", "customers who churned");

    /// <summary>Leads at the as-of date split by the conversion label: those who did not convert, then those who did.</summary>
    public static IReadOnlyList<OutcomeGroup> ConversionGroups(FeatureTable table) =>
        Split(table, LabelNames.Conversion, "leads who did not convert", "leads who converted");

    /// <summary>The mean of each signal in each group, the groups in the order given; a signal the table does not hold (an account roll-up of a single-contact export) is left out.</summary>
    public static IReadOnlyList<SignalMeans> MeansByOutcome(FeatureTable table, IReadOnlyList<string> signals, IReadOnlyList<OutcomeGroup> groups) =>
        [.. signals.Where(signal => table.Find(signal) is not null).Select(signal =>
        {
            var values = table[signal] is NumericColumn numeric ? numeric.Values : throw new ArgumentException($"'{signal}' is not a numeric feature");
            return new SignalMeans(signal, [.. groups.Select(g =>
            {
                var present = g.Rows.Select(r => values[r]).Where(v => !float.IsNaN(v)).ToArray();
                return present.Length == 0 ? double.NaN : present.Average(v => (double)v);
            })]);
        })];

    private static List<OutcomeGroup> Split(FeatureTable table, string label, string negative, string positive)
    {
        if (!table.Labels.TryGetValue(label, out var labels))
        {
            return [new OutcomeGroup(negative, []), new OutcomeGroup(positive, [])];
        }
        return
        [
            new OutcomeGroup(negative, [.. Enumerable.Range(0, table.RowCount).Where(r => labels[r] == 0)]),
            new OutcomeGroup(positive, [.. Enumerable.Range(0, table.RowCount).Where(r => labels[r] == 1)]),
        ];
    }

    /// <summary>Linear interpolation between the closest ranks of sorted values.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}

/// <summary>
/// A numeric feature's distribution per group, as the share of each group's present values in each bin, so groups of
/// different sizes compare. Whole-number features with a small range get one bin per value; others equal-width bins up
/// to the 99th percentile, with everything above in the last bin (a few extreme values would otherwise squash the rest).
/// </summary>
public sealed record FeatureHistogram(
    string Feature,
    double[] BinStarts,
    double BinWidth,
    bool LastBinOpen,
    IReadOnlyList<string> Groups,
    IReadOnlyList<double[]> Shares,
    IReadOnlyList<int> Present,
    IReadOnlyList<double> MissingShares)
{
    public static FeatureHistogram Build(FeatureColumn column, IReadOnlyList<OutcomeGroup> groups, int bins = 20)
    {
        var values = column is NumericColumn numeric ? numeric.Values : throw new ArgumentException($"'{column.Name}' is not a numeric feature");
        var all = groups.SelectMany(g => g.Rows).Select(r => (double)values[r]).Where(v => !double.IsNaN(v)).Order().ToArray();
        if (all.Length == 0)
        {
            return new FeatureHistogram(column.Name, [], 1, false, [.. groups.Select(g => g.Name)], [.. groups.Select(_ => Array.Empty<double>())],
                [.. groups.Select(_ => 0)], [.. groups.Select(g => g.Rows.Length == 0 ? 0.0 : 1.0)]);
        }
        double low = all[0], top = FeatureSummary.Quantile(all, 0.99);
        bool whole = all.All(v => v == Math.Floor(v));
        double width;
        int count;
        if (whole && all[^1] - low <= 40)
        {
            width = 1;
            count = (int)(all[^1] - low) + 1;
        }
        else
        {
            width = top > low ? (top - low) / bins : 1;
            count = top > low ? bins : 1;
        }
        bool open = all[^1] > low + width * count;
        var starts = Enumerable.Range(0, count).Select(b => low + b * width).ToArray();
        var shares = new List<double[]>();
        var present = new List<int>();
        var missing = new List<double>();
        foreach (var group in groups)
        {
            var histogram = new double[count];
            int n = 0;
            foreach (int r in group.Rows)
            {
                float v = values[r];
                if (float.IsNaN(v))
                {
                    continue;
                }
                int bin = (int)Math.Floor((v - low) / width);
                histogram[Math.Clamp(bin, 0, count - 1)]++;
                n++;
            }
            if (n > 0)
            {
                for (int b = 0; b < count; b++)
                {
                    histogram[b] /= n;
                }
            }
            shares.Add(histogram);
            present.Add(n);
            missing.Add(group.Rows.Length == 0 ? 0 : (double)(group.Rows.Length - n) / group.Rows.Length);
        }
        return new FeatureHistogram(column.Name, starts, width, open, [.. groups.Select(g => g.Name)], shares, present, missing);
    }
}
