using JourneyML.Core.Prediction;
using JourneyML.Core.Features;

namespace JourneyML.Core.Registry;

/// <summary>
/// Population stability index (PSI) of features and scores between the champion's training data and a new run's:
/// sum over bins of (new - old) * ln(new / old), with the champion's deciles as bins and missing values as a bin
/// of their own. Above 0.2 is the usual "the population has shifted" line.
/// </summary>
public static class Drift
{
    public const double FlagThreshold = 0.2;

    /// <summary>Decile edges (distinct inner cut points) and the share of rows in each bin.</summary>
    public static FeatureDistribution Describe(string name, IEnumerable<float> values)
    {
        var all = values.ToList();
        var present = all.Where(v => !float.IsNaN(v)).Select(v => (double)v).Order().ToArray();
        double missing = all.Count == 0 ? 0 : (double)(all.Count - present.Length) / all.Count;
        if (present.Length == 0)
        {
            return new FeatureDistribution(name, [], [], missing);
        }
        var edges = new List<double>();
        for (int d = 1; d < 10; d++)
        {
            double edge = present[(int)((long)d * (present.Length - 1) / 10)];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }
        if (edges.Count > 0 && edges[^1] >= present[^1])
        {
            edges.RemoveAt(edges.Count - 1); // the top bin must hold something above the last edge
        }
        return new FeatureDistribution(name, edges, Shares(present, edges, all.Count), missing);
    }

    public static IReadOnlyList<FeatureDistribution> Describe(FeatureTable table) =>
        [.. table.Columns.OfType<NumericColumn>().Select(c => Describe(c.Name, c.Values))];

    /// <summary>
    /// Features against the champion's training data, and scores as the champion itself gives them on this data against
    /// its own holdout scores: both measure the population moving, not the difference between two models.
    /// </summary>
    public static IReadOnlyList<DriftEntry> Against(LoadedModels champion, FeatureTable table, ClassifierResult? churn, ClassifierResult? lead)
    {
        var entries = new List<DriftEntry>();
        foreach (var baseline in champion.Metadata.Distributions)
        {
            if (table.NumbersOrNull(baseline.Name) is { } values)
            {
                double psi = Psi(baseline, values);
                entries.Add(new DriftEntry(baseline.Name, psi, psi > FlagThreshold));
            }
        }
        foreach (var (result, model, baseline) in new[]
        {
            (churn, champion.Churn, champion.Metadata.Churn?.ScoreDistribution),
            (lead, champion.Lead, champion.Metadata.Lead?.ScoreDistribution),
        })
        {
            if (result is null || model is null || baseline is null)
            {
                continue;
            }
            try
            {
                double psi = Psi(baseline, model.Predict(table, result.HoldoutRows));
                entries.Add(new DriftEntry(baseline.Name, psi, psi > FlagThreshold));
            }
            catch (InvalidOperationException)
            {
                // The champion cannot score this data (a feature it needs is gone): the gate reports that.
            }
        }
        return [.. entries.OrderByDescending(e => e.Psi)];
    }

    /// <summary>PSI of new values against a baseline distribution, on the baseline's bins.</summary>
    public static double Psi(FeatureDistribution baseline, IEnumerable<float> values)
    {
        var all = values.ToList();
        var present = all.Where(v => !float.IsNaN(v)).Select(v => (double)v).Order().ToArray();
        var shares = Shares(present, baseline.Edges, all.Count);
        double missing = all.Count == 0 ? 0 : (double)(all.Count - present.Length) / all.Count;
        double psi = Term(baseline.MissingShare, missing);
        for (int b = 0; b < shares.Count; b++)
        {
            psi += Term(b < baseline.Shares.Count ? baseline.Shares[b] : 0, shares[b]);
        }
        return psi;
    }

    private static double Term(double expected, double actual)
    {
        // A small floor keeps an empty bin from making the index infinite.
        const double floor = 1e-4;
        if (expected < floor && actual < floor)
        {
            return 0;
        }
        expected = Math.Max(expected, floor);
        actual = Math.Max(actual, floor);
        return (actual - expected) * Math.Log(actual / expected);
    }

    private static List<double> Shares(double[] sortedPresent, IReadOnlyList<double> edges, int total)
    {
        var counts = new long[edges.Count + 1];
        foreach (var v in sortedPresent)
        {
            int bin = 0;
            while (bin < edges.Count && v > edges[bin])
            {
                bin++;
            }
            counts[bin]++;
        }
        return [.. counts.Select(c => total == 0 ? 0 : (double)c / total)];
    }
}
