using JourneyML.Core.Features;

namespace JourneyML.Core.Segmentation;

/// <summary>How one feature enters the clustering: optionally log1p, then standardised with the training table's mean and deviation.</summary>
internal sealed record SegmentFeatureScale(string Name, bool Log, double Mean, double Std)
{
    public float Standardise(float raw)
    {
        if (float.IsNaN(raw))
        {
            // Missing (for example no trend with under 60 days of history) sits at the population mean: it pulls towards no segment.
            return 0;
        }
        double z = (Transform(raw) - Mean) / Std;
        return (float)z;
    }

    /// <summary>From the standardised space back to the transformed (log1p) scale.</summary>
    public double Unstandardise(double z) => z * Std + Mean;

    // Counts are clamped at zero before log1p: a negative value in a count column is an export error, not a smaller count.
    public double Transform(float raw) => Log ? Math.Log(1 + Math.Max(raw, 0f)) : raw;
}

/// <summary>Which features the segmentation uses, and how they are scaled.</summary>
internal static class SegmentFeatures
{
    /// <summary>
    /// Mode A: behaviour that separates how customers use the product (logins, their trend, activity, tickets, content,
    /// pricing). Correlated variants (7-day, previous 30-day counts) are left out so no one signal counts twice.
    /// </summary>
    public static IReadOnlyList<string> BehaviourSet { get; } =
        [FeatureNames.Logins30d, FeatureNames.Logins90d, FeatureNames.LoginTrend, FeatureNames.ActiveDays90d, FeatureNames.Tickets90d, FeatureNames.Content90d, FeatureNames.PricingViews90d];

    private static readonly HashSet<string> s_unlogged = new(StringComparer.OrdinalIgnoreCase) { FeatureNames.LoginTrend, FeatureNames.TicketTrend };

    /// <summary>The features to cluster on: the behaviour set when the table has it (mode A), otherwise every numeric column with spread (mode B).</summary>
    public static IReadOnlyList<string> Choose(FeatureTable table)
    {
        if (BehaviourSet.All(name => table.Find(name) is { Kind: FeatureKind.Numeric }))
        {
            return BehaviourSet;
        }
        var names = table.Columns
            .OfType<NumericColumn>()
            .Where(c => HasSpread(c.Values))
            .Select(c => c.Name)
            .ToList();
        if (names.Count == 0)
        {
            throw new InvalidInputException("the feature table has no numeric feature that varies between customers: nothing to segment on");
        }
        return names;
    }

    /// <summary>Fits the scale of each feature on the training table.</summary>
    public static SegmentFeatureScale[] Fit(FeatureTable table, IReadOnlyList<string> names, bool behaviourSet)
    {
        var scales = new SegmentFeatureScale[names.Count];
        for (int j = 0; j < names.Count; j++)
        {
            var values = table.Numbers(names[j]);
            bool log = behaviourSet ? !s_unlogged.Contains(names[j]) : IsSkewedCount(values);
            double sum = 0, sumSquares = 0;
            long n = 0;
            foreach (float v in values)
            {
                if (float.IsNaN(v))
                {
                    continue;
                }
                double t = log ? Math.Log(1 + Math.Max(v, 0f)) : v;
                sum += t;
                sumSquares += t * t;
                n++;
            }
            double mean = n > 0 ? sum / n : 0;
            double variance = n > 0 ? Math.Max(0, sumSquares / n - mean * mean) : 0;
            double std = Math.Sqrt(variance);
            // A constant feature carries no information; a unit deviation keeps it at zero instead of dividing by zero.
            scales[j] = new SegmentFeatureScale(names[j], log, mean, std > 1e-9 ? std : 1);
        }
        return scales;
    }

    private static bool HasSpread(float[] values)
    {
        float first = float.NaN;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            if (float.IsNaN(first))
            {
                first = v;
            }
            else if (v != first)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Non-negative with a long right tail (skewness above 1): counts, amounts, durations, where log1p evens out the scale.</summary>
    private static bool IsSkewedCount(float[] values)
    {
        double sum = 0, sumSquares = 0, sumCubes = 0;
        long n = 0;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }
            if (v < 0)
            {
                return false;
            }
            sum += v;
            n++;
        }
        if (n < 3)
        {
            return false;
        }
        double mean = sum / n;
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                double d = v - mean;
                sumSquares += d * d;
                sumCubes += d * d * d;
            }
        }
        double variance = sumSquares / n;
        return variance > 0 && sumCubes / n / Math.Pow(variance, 1.5) > 1;
    }
}
