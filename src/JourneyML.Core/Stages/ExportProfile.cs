using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Stages;

/// <summary>
/// What an export holds, as the stage suggestion needs it: which kinds of event reach how many customers, how accounts
/// are shaped, and the timings from which thresholds come (days to a first renewal, gaps between purchases, days from
/// the first purchase to the N-th active day). Everything strictly before the as-of date.
/// </summary>
internal sealed class ExportProfile
{
    private readonly EventTimeline _events;
    private readonly long _asOf;

    private ExportProfile(EventTimeline events, DateTime asOf)
    {
        _events = events;
        _asOf = asOf.Ticks;
        Customers = events.CustomerCount;
        var reached = new int[EventKinds.Count];
        var seen = new bool[EventKinds.Count];
        for (int c = 0; c < Customers; c++)
        {
            Array.Clear(seen);
            for (int i = events.Offsets[c]; i < events.Offsets[c + 1] && events.Ticks[i] < _asOf; i++)
            {
                seen[(int)events.Kinds[i]] = true;
            }
            for (int k = 0; k < seen.Length; k++)
            {
                reached[k] += seen[k] ? 1 : 0;
            }
            int purchases = Count(c, EventKind.Purchase);
            Buyers += purchases > 0 || Count(c, EventKind.Renewal) > 0 ? 1 : 0;
            RepeatBuyers += purchases >= 2 ? 1 : 0;
            SalesCustomers += HasAny(c, SalesKinds) ? 1 : 0;
        }
        Reached = reached;
        // A customer without an account is an account of one.
        var index = events.Dataset.Customers.AccountIndex;
        var accounts = index.Where(a => a >= 0).GroupBy(a => a).Select(g => g.Count()).Concat(index.Where(a => a < 0).Select(_ => 1)).ToList();
        ContactsPerAccount = accounts.Count == 0 ? 0 : (double)Customers / accounts.Count;
        InSharedAccounts = accounts.Where(n => n >= 2).Sum();
    }

    /// <summary>Forms, meetings and opportunities: the lead funnel's sales touches.</summary>
    public static readonly EventKind[] SalesKinds = [EventKind.FormSubmitted, EventKind.MeetingBooked, EventKind.OpportunityOpened, EventKind.OpportunityLost];

    public static ExportProfile Of(EventTimeline events, DateTime asOf) => new(events, asOf);

    public int Customers { get; }
    /// <summary>Customers with at least one event of each kind, by kind.</summary>
    public IReadOnlyList<int> Reached { get; }
    /// <summary>Customers with a purchase or a renewal.</summary>
    public int Buyers { get; }
    /// <summary>Customers with two or more purchase events (orders, not renewals).</summary>
    public int RepeatBuyers { get; }
    /// <summary>Customers with a form, meeting or opportunity.</summary>
    public int SalesCustomers { get; }
    public double ContactsPerAccount { get; }
    /// <summary>Customers in an account with two or more contacts.</summary>
    public int InSharedAccounts { get; }

    public int ReachedBy(EventKind kind) => Reached[(int)kind];

    /// <summary>A share of all customers, 0 when there are none.</summary>
    public double Share(int count) => Customers == 0 ? 0 : (double)count / Customers;

    /// <summary>Days from each buyer's first purchase to their first renewal after it.</summary>
    public List<double> DaysToFirstRenewal()
    {
        var days = new List<double>();
        for (int c = 0; c < Customers; c++)
        {
            long first = First(c, EventKind.Purchase, 0);
            long renewal = first == 0 ? 0 : First(c, EventKind.Renewal, first);
            if (renewal > 0)
            {
                days.Add(Days(renewal - first));
            }
        }
        return days;
    }

    /// <summary>Days between consecutive purchases (orders) of the same customer.</summary>
    public List<double> DaysBetweenPurchases()
    {
        var gaps = new List<double>();
        for (int c = 0; c < Customers; c++)
        {
            long previous = 0;
            foreach (long t in Times(c, EventKind.Purchase))
            {
                if (previous > 0 && t - previous >= TimeSpan.TicksPerDay)
                {
                    gaps.Add(Days(t - previous));
                }
                previous = t;
            }
        }
        return gaps;
    }

    /// <summary>Purchases (orders) per buyer with at least one.</summary>
    public List<double> PurchasesPerBuyer()
    {
        var counts = new List<double>();
        for (int c = 0; c < Customers; c++)
        {
            int n = Count(c, EventKind.Purchase);
            if (n > 0)
            {
                counts.Add(n);
            }
        }
        return counts;
    }

    /// <summary>
    /// Days from each buyer's first purchase to the day they had been active (the days <c>active_days_90d</c> counts) on
    /// <paramref name="activeDays"/> distinct days within 90 days of it; buyers who did not get there are left out.
    /// </summary>
    public List<double> DaysToActiveDays(int activeDays)
    {
        var days = new List<double>();
        for (int c = 0; c < Customers; c++)
        {
            long first = First(c, EventKind.Purchase, 0);
            if (first == 0)
            {
                continue;
            }
            var distinct = new HashSet<long>();
            for (int i = _events.Offsets[c]; i < _events.Offsets[c + 1] && _events.Ticks[i] < _asOf; i++)
            {
                long t = _events.Ticks[i];
                if (t < first || t - first > 90 * TimeSpan.TicksPerDay || !CountsAsActive(_events.Kinds[i]))
                {
                    continue;
                }
                if (distinct.Add(t / TimeSpan.TicksPerDay) && distinct.Count == activeDays)
                {
                    days.Add(Days(t - first));
                    break;
                }
            }
        }
        return days;
    }

    /// <summary>The event types the features count as activity (<c>active_days_*</c>): engagement, tickets and unmapped types.</summary>
    private static bool CountsAsActive(EventKind kind) => kind.IsEngagement() || kind.Family() == EventFamily.Ticket || kind == EventKind.Other;

    /// <summary>The export's own name for an event type, beside ours when it differs: "renewal (契約更新)".</summary>
    public string Named(EventKind kind)
    {
        string ours = kind.CanonicalName();
        var theirs = _events.Dataset.Mapping.Events.Types.Where(t => string.Equals(t.Value, ours, StringComparison.OrdinalIgnoreCase) && !string.Equals(t.Key, ours, StringComparison.OrdinalIgnoreCase))
            .Select(t => t.Key).Order(StringComparer.Ordinal).ToList();
        return theirs.Count == 0 ? ours : $"{ours} ({string.Join(", ", theirs)})";
    }

    private int Count(int c, EventKind kind) => Times(c, kind).Count();

    private bool HasAny(int c, EventKind[] kinds)
    {
        for (int i = _events.Offsets[c]; i < _events.Offsets[c + 1] && _events.Ticks[i] < _asOf; i++)
        {
            if (Array.IndexOf(kinds, _events.Kinds[i]) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    private long First(int c, EventKind kind, long after) => Times(c, kind).FirstOrDefault(t => t > after);

    private IEnumerable<long> Times(int c, EventKind kind)
    {
        for (int i = _events.Offsets[c]; i < _events.Offsets[c + 1] && _events.Ticks[i] < _asOf; i++)
        {
            if (_events.Kinds[i] == kind)
            {
                yield return _events.Ticks[i];
            }
        }
    }

    private static double Days(long ticks) => (double)ticks / TimeSpan.TicksPerDay;

    /// <summary>The q-quantile (0..1) by the nearest-rank rule on sorted values, so it is one of the values (whole days stay whole); null when there are none.</summary>
    public static double? Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        int rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);
}
