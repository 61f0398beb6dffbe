namespace JourneyML.Core.Survival;

/// <summary>One customer's observed time to churn from an as-of date: the days until the churn, or until the data ends (censored).</summary>
/// <param name="Days">Days from the as-of date to the churn, or to the last day the customer is known to be still paying.</param>
/// <param name="Churned">True when the churn was seen; false when the customer was still paying when the data ended (censored).</param>
public readonly record struct ObservedTime(double Days, bool Churned);

/// <summary>
/// The Kaplan–Meier estimate of a survival function: the product over event times of (1 - events / at risk). Used for the
/// observed survival (the baseline a model must beat, the observed side of calibration) and, with the roles of churn and
/// censoring swapped, for the censoring distribution G that weights Uno's concordance and the Brier score (IPCW).
/// A censoring at the same time as a churn is taken to come after it: a customer censored on a day was seen paying that day.
/// </summary>
public sealed class KaplanMeier
{
    private readonly double[] _times;
    private readonly double[] _survival;

    private KaplanMeier(double[] times, double[] survival)
    {
        _times = times;
        _survival = survival;
    }

    /// <summary>The survival of the churn times.</summary>
    public static KaplanMeier Survival(IReadOnlyList<ObservedTime> observed) => Fit(observed, censoring: false);

    /// <summary>The censoring distribution G(t) = P(still observed after t): the censorings are the events here.</summary>
    public static KaplanMeier Censoring(IReadOnlyList<ObservedTime> observed) => Fit(observed, censoring: true);

    private static KaplanMeier Fit(IReadOnlyList<ObservedTime> observed, bool censoring)
    {
        var groups = observed.GroupBy(o => o.Days).OrderBy(g => g.Key).ToList();
        return FromCounts([.. groups.Select(g => g.Key)], [.. groups.Select(g => (double)g.Count(o => o.Churned != censoring))], [.. groups.Select(g => (double)g.Count())]);
    }

    /// <summary>
    /// The estimate from counts at each distinct time (ascending): the events then, and everyone whose time it is (events and
    /// censorings); counts may be weights (a bootstrap's draws of each customer).
    /// </summary>
    internal static KaplanMeier FromCounts(double[] times, double[] events, double[] leaving)
    {
        var kept = new List<double>();
        var survival = new List<double>();
        double atRisk = leaving.Sum();
        double s = 1;
        for (int i = 0; i < times.Length; i++)
        {
            if (events[i] > 0 && atRisk > 0)
            {
                s *= 1 - events[i] / atRisk;
                kept.Add(times[i]);
                survival.Add(s);
            }
            atRisk -= leaving[i];
        }
        return new KaplanMeier([.. kept], [.. survival]);
    }

    /// <summary>S(t): the estimate just after time t (events at t included).</summary>
    public double At(double t)
    {
        int i = Array.BinarySearch(_times, t);
        i = i >= 0 ? i : ~i - 1;
        return i < 0 ? 1 : _survival[i];
    }

    /// <summary>S(t-): the estimate just before time t (events at t not yet counted), as IPCW weights need at a churn time.</summary>
    public double Before(double t)
    {
        int i = Array.BinarySearch(_times, t);
        i = i >= 0 ? i - 1 : ~i - 1;
        return i < 0 ? 1 : _survival[i];
    }
}
