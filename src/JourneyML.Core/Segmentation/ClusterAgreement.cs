namespace JourneyML.Core.Segmentation;

/// <summary>How well a clustering agrees with a reference partition (for example the segments the generator planted).</summary>
public static class ClusterAgreement
{
    /// <summary>Adjusted Rand index: 1 for identical partitions (up to renaming), about 0 for chance.</summary>
    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException("partitions differ in length");
        }
        var contingency = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var columns = new Dictionary<int, long>();
        for (int i = 0; i < a.Count; i++)
        {
            contingency[(a[i], b[i])] = contingency.GetValueOrDefault((a[i], b[i])) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            columns[b[i]] = columns.GetValueOrDefault(b[i]) + 1;
        }
        static double Pairs(long n) => n * (n - 1) / 2.0;
        double index = contingency.Values.Sum(Pairs);
        double sumRows = rows.Values.Sum(Pairs);
        double sumColumns = columns.Values.Sum(Pairs);
        double expected = sumRows * sumColumns / Pairs(a.Count);
        double max = (sumRows + sumColumns) / 2;
        return max == expected ? 1 : (index - expected) / (max - expected);
    }
}
