namespace JourneyML.Core.Journeys;

/// <summary>A quantile of days with its 95% distribution-free interval (from the order statistics around it).</summary>
public sealed record DaysQuantile(double Days, double Low95, double High95);

/// <summary>One histogram bin: durations above FromDays and up to ToDays (no upper end for the last bin).</summary>
public sealed record DaysBin(double FromDays, double? ToDays, int Count);

/// <summary>
/// Durations in days as a distribution: how many, the median and p90 each with a 95% interval, a histogram, and why the
/// figures are rough when they rest on few stays.
/// </summary>
public sealed record DaysDistribution(int Count, DaysQuantile? Median, DaysQuantile? P90, IReadOnlyList<DaysBin> Histogram, string? TooSmall);

/// <summary>Quantiles, intervals and histograms of durations, shared by the time-in-stage, variant and bottleneck figures.</summary>
internal static class Days
{
    /// <summary>Below this many durations a median or p90 is reported, but said to be rough: its interval spans several bins.</summary>
    public const int MinCount = 30;

    /// <summary>Bin edges in days: a week, two, a month, two, a quarter, half a year, a year, longer. The same on every map so maps compare.</summary>
    public static readonly double[] Edges = [0, 7, 14, 30, 60, 90, 180, 365];

    /// <summary>The distribution of the durations (sorted in place).</summary>
    public static DaysDistribution Of(List<double> days, string what)
    {
        days.Sort();
        return new DaysDistribution(days.Count, Quantile(days, 0.5), Quantile(days, 0.9), Histogram(days), TooSmallWords(days.Count, what));
    }

    public static string? TooSmallWords(int count, string what) =>
        count == 0 ? $"no {what}" : count < MinCount ? $"only {count} {what} (at least {MinCount} wanted): rough figures" : null;

    /// <summary>
    /// The q-quantile as the stage table takes it (the value at rank n·q), with the distribution-free 95% interval of the
    /// order statistics: the number of durations below the true quantile is binomial(n, q), so the ranks n·q ± 1.96·√(n·q·(1−q))
    /// bracket it. No resampling: linear once sorted.
    /// </summary>
    public static DaysQuantile? Quantile(List<double> sorted, double q)
    {
        int n = sorted.Count;
        if (n == 0)
        {
            return null;
        }
        double centre = n * q, spread = 1.959964 * Math.Sqrt(n * q * (1 - q));
        int low = Math.Clamp((int)Math.Floor(centre - spread), 0, n - 1);
        int high = Math.Clamp((int)Math.Ceiling(centre + spread), 0, n - 1);
        int at = Math.Min(n - 1, (int)(n * q));
        return new DaysQuantile(sorted[at], sorted[Math.Min(low, at)], sorted[Math.Max(high, at)]);
    }

    private static List<DaysBin> Histogram(List<double> sorted)
    {
        var counts = new int[Edges.Length];
        foreach (double d in sorted)
        {
            counts[BinOf(d)]++;
        }
        return [.. Enumerable.Range(0, Edges.Length).Select(i => new DaysBin(Edges[i], i + 1 < Edges.Length ? Edges[i + 1] : null, counts[i]))];
    }

    /// <summary>The bin a duration falls in: above an edge and up to the next (0 days falls in the first).</summary>
    public static int BinOf(double days)
    {
        for (int i = 1; i < Edges.Length; i++)
        {
            if (days <= Edges[i])
            {
                return i - 1;
            }
        }
        return Edges.Length - 1;
    }

    /// <summary>
    /// The Kaplan–Meier median: stays still running at the end count as "at least this long" instead of being left out,
    /// which would make a stage people stay long in look short. Null when more than half are still in it.
    /// </summary>
    public static double? KaplanMeierMedian(List<double> finishedSorted, List<double> censored)
    {
        censored.Sort();
        int atRisk = finishedSorted.Count + censored.Count;
        double survival = 1;
        int f = 0, c = 0;
        while (f < finishedSorted.Count)
        {
            double t = finishedSorted[f];
            // Stays censored before t leave the risk set without an event.
            while (c < censored.Count && censored[c] < t)
            {
                atRisk--;
                c++;
            }
            int events = 0;
            while (f < finishedSorted.Count && finishedSorted[f] == t)
            {
                events++;
                f++;
            }
            survival *= 1 - (double)events / atRisk;
            atRisk -= events;
            if (survival <= 0.5)
            {
                return t;
            }
        }
        return null;
    }
}
