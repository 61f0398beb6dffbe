using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>
/// Point-in-time features at a series of dates (each a whole number of days after the first), from an
/// <see cref="EventTimeline"/>: each customer's 7, 14, 30, previous-30 and 90-day windows slide forward from one date
/// to the next, so an event is touched a few times in all instead of once per date. Every value is the one
/// <see cref="BehaviourFeatures.Build"/> gives at that date (a property test holds both to it); labels are not built.
/// Customers are processed in parallel.
/// </summary>
internal sealed class RollingFeatures
{
    private const long Day = TimeSpan.TicksPerDay;

    // Window edges, in days before T: events cross them in this order as T moves forward.
    private static readonly int[] s_edgeDays = [0, 7, 14, 30, 60, 90];
    private const int Edges = 6;

    private static readonly bool[] s_activity = [.. EventKinds.All.Select(k => k.IsEngagement() || k.Family() == EventFamily.Ticket || k == EventKind.Other)];

    private readonly EventTimeline _timeline;
    private readonly CustomerTable _customers;
    private readonly int _maxDegreeOfParallelism;
    private bool[] _wanted = [];
    private bool _accountRollups;
    private readonly int[] _edges;
    private readonly int[] _counts;
    private readonly int[] _active30;
    private readonly int[] _active90;
    private readonly long[] _lastLogin;
    private readonly long[] _lastActivity;
    private readonly long[] _lastPurchase;
    private readonly long[] _lastCancellation;
    /// <summary>Per customer, the latest purchase event (an order) so far: days_since_last_purchase.</summary>
    private readonly long[] _lastOrder;
    private readonly int[] _roleKey;
    private readonly int _roleKeys;
    private readonly FeaturePlan _plan;
    private IReadOnlyList<string> _wantedInterventions = [];
    private bool[] _wantedAttributes = [];
    /// <summary>Per customer: minutes of use in thousandths over the last 30, the 30 before and the last 90 days (<see cref="EventValues"/>).</summary>
    private readonly long[] _usage;
    private readonly bool[] _hasUsage;
    /// <summary>Per customer, bit i set when an event of <see cref="FeatureNames.ContentValues"/>[i] before T has a value.</summary>
    private readonly int[] _contentValued;
    /// <summary>Per customer and content type: the values (in thousandths) and how many events gave one, over the last 90 days.</summary>
    private readonly long[] _contentMilli;
    private readonly int[] _contentCounts;
    /// <summary>Per customer: the tickets with a severity in the last 90 days (their maximum is read from the window only when there is one).</summary>
    private readonly int[] _severityCounts;
    private readonly LifecycleWalk[] _walk;
    private long _firstAsOf = long.MinValue;
    private long _asOf = long.MinValue;
    /// <summary>Per event: the first activity (any engagement, ticket or other event) of its day, days counted from the first date.</summary>
    private bool[]? _firstOfDay;

    /// <param name="features">
    /// The features to compute (by name: behaviour features and the customers table's columns); null for every one the
    /// dataset's <see cref="FeaturePlan"/> writes. A behaviour feature the plan does not write (an account roll-up of a
    /// single-contact export) is absent from the tables, as it is from <see cref="BehaviourFeatures.Build"/>'s.
    /// </param>
    public RollingFeatures(EventTimeline timeline, IEnumerable<string>? features = null, int maxDegreeOfParallelism = 0)
    {
        _timeline = timeline;
        _customers = timeline.Dataset.Customers;
        _maxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        _plan = FeaturePlan.For(_customers, timeline.Dataset.Mapping.Customers, timeline.HasUsageValues, timeline.HasSeverityValues, timeline.ContentValueKinds,
            timeline.HasRepeatPurchases);
        Want(features);

        int n = _customers.Count;
        _edges = new int[n * Edges];
        for (int c = 0; c < n; c++)
        {
            _edges.AsSpan(c * Edges, Edges).Fill(timeline.Offsets[c]);
        }
        _counts = new int[n * Slots.Count];
        _active30 = new int[n];
        _active90 = new int[n];
        _lastLogin = new long[n];
        _lastActivity = new long[n];
        _lastPurchase = new long[n];
        _lastCancellation = new long[n];
        _lastOrder = new long[n];
        _usage = new long[n * EventValues.Count];
        _hasUsage = new bool[n];
        _contentValued = new int[n];
        _contentMilli = new long[n * EventValues.ContentCount];
        _contentCounts = new int[n * EventValues.ContentCount];
        _severityCounts = new int[n];
        _walk = new LifecycleWalk[n];
        // Roles compare without case (as the account roll-up does); numbered once so a step counts them with a bit mask.
        var roleIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        _roleKey = new int[n];
        for (int c = 0; c < n; c++)
        {
            var role = _customers[c].Role;
            _roleKey[c] = role is null ? -1 : roleIds.TryGetValue(role, out int id) ? id : roleIds[role] = roleIds.Count;
        }
        _roleKeys = roleIds.Count;
    }

    /// <summary>
    /// From the next <see cref="Advance"/> on, every feature the dataset's plan writes: a stage timeline slides only what
    /// its rules and models read, and the journey map then wants the whole table at the last date. The windows slide
    /// every feature's counters whatever is wanted, so the values are those a table of every feature from the start gives.
    /// </summary>
    public void WantEveryFeature() => Want(null);

    private void Want(IEnumerable<string>? features)
    {
        var names = FeatureNames.Definitions.Select(d => d.Name).ToList();
        var attributes = _plan.Attributes.Select(a => a.Name).ToList();
        // New arrays: a table already handed out keeps the columns it was built with.
        var wanted = new bool[names.Count];
        var wantedAttributes = new bool[attributes.Count];
        var interventionKinds = InterventionFeatures.KindsOf(_timeline.Dataset.Interventions);
        var wantedKinds = features is null ? [.. interventionKinds] : new List<string>();
        foreach (var name in features ?? [.. names, .. attributes])
        {
            int i = names.IndexOf(name);
            int a = attributes.IndexOf(name);
            // An intervention feature comes from the interventions table as of each date, not from the sliding windows.
            if (InterventionFeatures.TryParse(name, out var kind, out _) && interventionKinds.Contains(kind))
            {
                if (!wantedKinds.Contains(kind))
                {
                    wantedKinds.Add(kind);
                }
                continue;
            }
            if (i < 0 && a < 0)
            {
                throw new ArgumentException($"'{name}' is not a behaviour feature nor a column of the customers table", nameof(features));
            }
            if (i >= 0)
            {
                wanted[i] = _plan.Writes(name);
            }
            if (a >= 0)
            {
                wantedAttributes[a] = true;
            }
        }
        _wanted = wanted;
        _wantedAttributes = wantedAttributes;
        _wantedInterventions = wantedKinds;
        _accountRollups = FeatureNames.AccountRollups.Any(n => wanted[names.IndexOf(n)]);
    }

    /// <summary>The features as of <paramref name="asOf"/> (events strictly before it); dates must not go backwards and must be whole days apart.</summary>
    public FeatureTable Advance(DateTime asOf, CancellationToken cancellationToken = default)
    {
        long t = UtcTime.RequireUtc(asOf, "the as-of date").Ticks;
        if (t > _timeline.Dataset.DataAsOf.Ticks)
        {
            throw new InvalidInputException($"the as-of date {asOf:yyyy-MM-dd} is after the data's as-of date {_timeline.Dataset.DataAsOf:yyyy-MM-dd}: there is no behaviour to see yet");
        }
        if (_firstOfDay is null)
        {
            _firstAsOf = t;
            _firstOfDay = MarkFirstActivityOfDay(t);
        }
        if (t < _asOf)
        {
            throw new ArgumentException($"the dates must not go backwards ({asOf:yyyy-MM-dd} after {new DateTime(_asOf, DateTimeKind.Utc):yyyy-MM-dd})", nameof(asOf));
        }
        if ((t - _firstAsOf) % Day != 0)
        {
            throw new ArgumentException("the dates must be whole days apart (day windows are counted from the first date)", nameof(asOf));
        }
        _asOf = t;

        int n = _customers.Count;
        var rowOf = new int[n];
        int rows = 0;
        for (int c = 0; c < n; c++)
        {
            rowOf[c] = _customers[c].SignedUpAt.Ticks < t ? rows++ : -1;
        }
        var table = new StepTable(rows, _wanted);
        var engaged30 = new bool[n];
        if (n == 0)
        {
            return table.ToFeatureTable(new DateTime(t, DateTimeKind.Utc), _customers, _plan, _wantedAttributes, _wantedInterventions, _timeline.Dataset.Interventions);
        }
        var ranges = Partitioner.Create(0, n, Math.Max(256, n / (_maxDegreeOfParallelism * 16) + 1));
        Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism, CancellationToken = cancellationToken }, range =>
        {
            for (int c = range.Item1; c < range.Item2; c++)
            {
                Slide(c, t);
                engaged30[c] = _counts[c * Slots.Count + Slots.Engaged30] > 0;
                if (rowOf[c] >= 0)
                {
                    Fill(table, rowOf[c], c, t);
                }
            }
        });
        if (_accountRollups)
        {
            AccountRollups(table, rowOf, engaged30);
        }
        return table.ToFeatureTable(new DateTime(t, DateTimeKind.Utc), _customers, _plan, _wantedAttributes, _wantedInterventions, _timeline.Dataset.Interventions);
    }

    /// <summary>Moves customer c's window edges up to T: events entering the last 7/14/30/90 days are added, those leaving removed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs millions of times from the first call: no slow first tier
    private void Slide(int c, long t)
    {
        int end = _timeline.Offsets[c + 1];
        EnterBeforeAsOf(c, t, end);
        // The other edges: the event is now older than 7, 14, 30, 60 or 90 days.
        for (int e = 1; e < Edges; e++)
        {
            LeaveWindow(c, e, t - s_edgeDays[e] * Day, end);
        }
    }

    /// <summary>Edge T: events now before T enter every window and move the last login, activity, purchase and cancellation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private void EnterBeforeAsOf(int c, long t, int end)
    {
        var ticks = _timeline.Ticks;
        int e0 = c * Edges;
        int p = _edges[e0];
        if (p >= end || ticks[p] >= t)
        {
            return;
        }
        var kinds = _timeline.Kinds;
        var values = _timeline.Values;
        var map = Slots.Map;
        var counts = _counts;
        var firstOfDay = _firstOfDay!;
        int row = c * Slots.Count;
        int usageAt = c * EventValues.Count;
        ref var walk = ref _walk[c];
        long lastLogin = _lastLogin[c], lastActivity = _lastActivity[c], lastPurchase = _lastPurchase[c], lastCancellation = _lastCancellation[c];
        int active = 0;
        for (; p < end && ticks[p] < t; p++)
        {
            long at = ticks[p];
            var kind = kinds[p];
            if (EventValues.IsPurchaseLike(kind))
            {
                // Renewals and upgrades prove a paying customer even when the original purchase predates the export.
                lastPurchase = Math.Max(lastPurchase, at);
                walk.Purchase(at);
                if (kind == EventKind.Purchase)
                {
                    _lastOrder[c] = Math.Max(_lastOrder[c], at);
                }
            }
            else if (kind == EventKind.Cancellation)
            {
                lastCancellation = Math.Max(lastCancellation, at);
                walk.Cancel();
            }
            if (kind == EventKind.Login)
            {
                lastLogin = Math.Max(lastLogin, at);
                if (!float.IsNaN(values[p]))
                {
                    long milli = EventValues.Milli(values[p]);
                    _usage[usageAt + EventValues.Usage30] += milli;
                    _usage[usageAt + EventValues.Usage90] += milli;
                    _hasUsage[c] = true;
                }
            }
            if (!float.IsNaN(values[p]))
            {
                Valued(c, kind, values[p], 1);
            }
            lastActivity = Math.Max(lastActivity, at);
            active += firstOfDay[p] ? 1 : 0;
            int kindAt = (int)kind * Slots.Windows * Slots.PerEntry;
            Add(counts, map, row, kindAt + Slots.W90 * Slots.PerEntry, 1);
            Add(counts, map, row, kindAt + Slots.W30 * Slots.PerEntry, 1);
            Add(counts, map, row, kindAt + Slots.W14 * Slots.PerEntry, 1);
            Add(counts, map, row, kindAt + Slots.W7 * Slots.PerEntry, 1);
        }
        _edges[e0] = p;
        _lastLogin[c] = lastLogin;
        _lastActivity[c] = lastActivity;
        _lastPurchase[c] = lastPurchase;
        _lastCancellation[c] = lastCancellation;
        _active30[c] += active;
        _active90[c] += active;
    }

    /// <summary>Edge e (7, 14, 30, 60 or 90 days before T): events now older than <paramref name="boundary"/> leave that window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private void LeaveWindow(int c, int e, long boundary, int end)
    {
        var ticks = _timeline.Ticks;
        int edge = c * Edges + e;
        int p = _edges[edge];
        if (p >= end || ticks[p] >= boundary)
        {
            return;
        }
        var kinds = _timeline.Kinds;
        var values = _timeline.Values;
        var map = Slots.Map;
        var counts = _counts;
        var firstOfDay = _firstOfDay!;
        int row = c * Slots.Count;
        int usageAt = c * EventValues.Count;
        for (; p < end && ticks[p] < boundary; p++)
        {
            int kindAt = (int)kinds[p] * Slots.Windows * Slots.PerEntry;
            long usage = kinds[p] == EventKind.Login && !float.IsNaN(values[p]) ? EventValues.Milli(values[p]) : 0;
            switch (e)
            {
                case 1:
                    Add(counts, map, row, kindAt + Slots.W7 * Slots.PerEntry, -1);
                    break;
                case 2:
                    Add(counts, map, row, kindAt + Slots.W14 * Slots.PerEntry, -1);
                    break;
                case 3:
                    Add(counts, map, row, kindAt + Slots.W30 * Slots.PerEntry, -1);
                    Add(counts, map, row, kindAt + Slots.WPrev30 * Slots.PerEntry, 1);
                    _active30[c] -= firstOfDay[p] ? 1 : 0;
                    _usage[usageAt + EventValues.Usage30] -= usage;
                    _usage[usageAt + EventValues.UsagePrev30] += usage;
                    break;
                case 4:
                    Add(counts, map, row, kindAt + Slots.WPrev30 * Slots.PerEntry, -1);
                    _usage[usageAt + EventValues.UsagePrev30] -= usage;
                    break;
                default:
                    Add(counts, map, row, kindAt + Slots.W90 * Slots.PerEntry, -1);
                    _active90[c] -= firstOfDay[p] ? 1 : 0;
                    _usage[usageAt + EventValues.Usage90] -= usage;
                    if (!float.IsNaN(values[p]))
                    {
                        Valued(c, kinds[p], values[p], -1);
                    }
                    break;
            }
        }
        _edges[edge] = p;
    }

    /// <summary>An event with a value enters (<paramref name="delta"/> 1) or leaves (-1) the last 90 days: content sums and ticket severities slide with it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Valued(int c, EventKind kind, float value, int delta)
    {
        if (EventValues.ContentIndex[(int)kind] is var content and >= 0)
        {
            if (delta > 0)
            {
                _contentValued[c] |= 1 << content;
            }
            _contentMilli[c * EventValues.ContentCount + content] += delta * EventValues.Milli(value);
            _contentCounts[c * EventValues.ContentCount + content] += delta;
        }
        if (EventValues.IsTicket(kind))
        {
            _severityCounts[c] += delta;
        }
    }

    private static void Add(int[] counts, int[] map, int row, int at, int delta)
    {
        for (int i = at; i < at + Slots.PerEntry && map[i] >= 0; i++)
        {
            counts[row + map[i]] += delta;
        }
    }

    /// <summary>
    /// Marks each customer's first activity of each day, days starting at the first date's time of day (so every later
    /// date's windows hold whole days): active days in a window are then the marks inside it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs millions of times from the first call: no slow first tier
    private bool[] MarkFirstActivityOfDay(long firstAsOf)
    {
        var marks = new bool[_timeline.EventCount];
        var ticks = _timeline.Ticks;
        var kinds = _timeline.Kinds;
        var offsets = _timeline.Offsets;
        if (_customers.Count == 0)
        {
            return marks;
        }
        Parallel.ForEach(Partitioner.Create(0, _customers.Count, 4096), new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism }, range =>
        {
            for (int c = range.Item1; c < range.Item2; c++)
            {
                long previous = long.MinValue;
                for (int i = offsets[c]; i < offsets[c + 1]; i++)
                {
                    if (!s_activity[(int)kinds[i]])
                    {
                        continue;
                    }
                    long day = Math.DivRem(ticks[i] - firstAsOf, Day, out long rest);
                    day -= rest < 0 ? 1 : 0;
                    marks[i] = day != previous;
                    previous = day;
                }
            }
        });
        return marks;
    }

    /// <summary>One row's features: the same formulas as <see cref="BehaviourFeatures"/>, from the slid counters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs millions of times from the first call: no slow first tier
    private void Fill(StepTable table, int r, int c, long asOfTicks)
    {
        var customer = _customers[c];
        var dataset = _timeline.Dataset;
        table.Customer[r] = c;
        // The export's first event bounds how much history anyone can have.
        long firstBefore = _timeline.FirstEventTicks < asOfTicks ? _timeline.FirstEventTicks : long.MaxValue;
        long exportStart = dataset.Mapping.DataStart?.Ticks ?? (firstBefore == long.MaxValue ? asOfTicks : firstBefore);

        double tenure = Days(asOfTicks - customer.SignedUpAt.Ticks);
        double history = Math.Min(365, Days(asOfTicks - Math.Max(customer.SignedUpAt.Ticks, exportStart)));
        double observed90 = Math.Clamp(history, 1, 90);
        table.Set(F.TenureDays, r, (float)tenure);
        table.Set(F.HistoryDays, r, (float)history);
        table.Set(F.IsNew, r, tenure < 30 ? 1 : 0);

        long purchased, cancelled;
        var outcomes = dataset.Outcomes;
        if (outcomes is not null && outcomes.Present[c])
        {
            purchased = outcomes.ConvertedAt[c] is { } p && p.Ticks < asOfTicks ? p.Ticks : 0;
            cancelled = outcomes.ChurnedAt[c] is { } ch && ch.Ticks < asOfTicks ? ch.Ticks : 0;
        }
        else
        {
            purchased = _lastPurchase[c];
            cancelled = _lastCancellation[c];
        }
        var status = cancelled > 0 && cancelled >= purchased ? CustomerStatus.Churned
            : purchased > 0 ? CustomerStatus.Customer : CustomerStatus.Lead;
        long purchasedAt = status == CustomerStatus.Lead ? 0 : purchased;
        table.Status[r] = status;
        table.Set(F.IsCustomer, r, status == CustomerStatus.Customer ? 1 : 0);
        // From the outcomes table the tenure starts at the conversion; from events, at the first purchase since the last cancellation.
        long since = outcomes is not null && outcomes.Present[c] ? purchasedAt : _walk[c].TenureStart;
        table.Set(F.DaysAsCustomer, r, status == CustomerStatus.Customer && since > 0 ? (float)Days(asOfTicks - since) : float.NaN);
        table.Set(F.Reactivations, r, _walk[c].Reactivations);
        FillValues(table, r, c, history);
        FillContentValues(table, r, c);

        var k = _counts.AsSpan(c * Slots.Count, Slots.Count);
        int logins30 = k[Slots.Login30], loginsPrev = k[Slots.LoginPrev30];
        table.Set(F.Logins7d, r, k[Slots.Login7]);
        table.Set(F.Logins30d, r, logins30);
        table.Set(F.LoginsPrev30d, r, loginsPrev);
        table.Set(F.Logins90d, r, k[Slots.Login90]);
        table.Set(F.LoginRate90d, r, (float)(k[Slots.Login90] / observed90 * 7));
        table.Set(F.LoginTrend, r, history >= 60 ? (float)Math.Log2((logins30 + 1.0) / (loginsPrev + 1.0)) : float.NaN);
        long lastLogin = _lastLogin[c];
        table.Set(F.DaysSinceLastLogin, r, lastLogin == 0 ? float.NaN : (float)Days(asOfTicks - lastLogin));
        long lastActivity = _lastActivity[c];
        table.Set(F.DaysSinceLastActivity, r, lastActivity == 0 ? float.NaN : (float)Days(asOfTicks - lastActivity));
        table.Set(F.ActiveDays30d, r, _active30[c]);
        table.Set(F.ActiveDays90d, r, _active90[c]);

        table.Set(F.Tickets30d, r, k[Slots.Ticket30]);
        table.Set(F.TicketsPrev30d, r, k[Slots.TicketPrev30]);
        table.Set(F.Tickets90d, r, k[Slots.Ticket90]);
        table.Set(F.TicketTrend, r, history >= 60 ? (float)Math.Log2((k[Slots.Ticket30] + 1.0) / (k[Slots.TicketPrev30] + 1.0)) : float.NaN);
        table.Set(F.Escalations90d, r, k[Slots.Escalation90]);
        table.Set(F.Content30d, r, k[Slots.Content30]);
        table.Set(F.Content90d, r, k[Slots.Content90]);
        table.Set(F.PageViews30d, r, k[Slots.PageView30]);
        table.Set(F.PageViews90d, r, k[Slots.PageView90]);
        table.Set(F.EmailOpens30d, r, k[Slots.EmailOpen30]);
        table.Set(F.EmailOpens90d, r, k[Slots.EmailOpen90]);
        table.Set(F.EmailClicks30d, r, k[Slots.EmailClick30]);
        table.Set(F.EmailClicks90d, r, k[Slots.EmailClick90]);
        table.Set(F.Downloads90d, r, k[Slots.Download90]);
        table.Set(F.Webinars90d, r, k[Slots.Webinar90]);
        table.Set(F.CaseStudyViews90d, r, k[Slots.CaseStudy90]);
        table.Set(F.ComparisonViews90d, r, k[Slots.Comparison90]);
        table.Set(F.PricingViews14d, r, k[Slots.Pricing14]);
        table.Set(F.PricingViews90d, r, k[Slots.Pricing90]);
        table.Set(F.SalesTouches90d, r, k[Slots.Sales90]);
        table.Set(F.Purchases90d, r, k[Slots.Purchase90]);
        long lastOrder = _lastOrder[c];
        table.Set(F.DaysSinceLastPurchase, r, lastOrder == 0 ? float.NaN : (float)Days(asOfTicks - lastOrder));
    }

    /// <summary>Minutes of use from the slid sums; ticket severity from the tickets now in the last 90 days (a maximum does not slide), read only when there are some.</summary>
    private void FillValues(StepTable table, int r, int c, double history)
    {
        var (now, before, ninety, trend) = EventValues.Usage(_usage.AsSpan(c * EventValues.Count, EventValues.Count), _hasUsage[c], history);
        table.Set(F.UsageMinutes30d, r, now);
        table.Set(F.UsageMinutesPrev30d, r, before);
        table.Set(F.UsageMinutes90d, r, ninety);
        table.Set(F.UsageTrend, r, trend);
        if (!table.Wants(F.TicketSeverityMax90d) && !table.Wants(F.TicketSeverityMean90d))
        {
            return;
        }
        if (_severityCounts[c] == 0)
        {
            // Most customers have no rated ticket in the window: nothing to look for.
            var (noMax, noMean) = EventValues.Severity(0, 0, -1);
            table.Set(F.TicketSeverityMax90d, r, noMax);
            table.Set(F.TicketSeverityMean90d, r, noMean);
            return;
        }
        long sum = 0;
        int count = 0;
        float max = -1;
        var kinds = _timeline.Kinds;
        var values = _timeline.Values;
        // Edge 5 is the first event inside the last 90 days, edge 0 the first at or after T.
        for (int p = _edges[c * Edges + 5], end = _edges[c * Edges]; p < end; p++)
        {
            if (EventValues.IsTicket(kinds[p]) && !float.IsNaN(values[p]))
            {
                sum += EventValues.Milli(values[p]);
                count++;
                max = Math.Max(max, values[p]);
            }
        }
        var (severityMax, severityMean) = EventValues.Severity(sum, count, max);
        table.Set(F.TicketSeverityMax90d, r, severityMax);
        table.Set(F.TicketSeverityMean90d, r, severityMean);
    }

    /// <summary>Content values summed over the events now in the last 90 days (as <see cref="BehaviourFeatures"/> sums them), slid with the window.</summary>
    private void FillContentValues(StepTable table, int r, int c)
    {
        bool any = false;
        for (int i = 0; i < EventValues.ContentCount; i++)
        {
            any |= table.Wants(F.ContentValue0 + 2 * i) || table.Wants(F.ContentValue0 + 2 * i + 1);
        }
        if (!any)
        {
            return;
        }
        int at = c * EventValues.ContentCount;
        for (int i = 0; i < EventValues.ContentCount; i++)
        {
            var (sum, mean) = EventValues.Content(_contentMilli[at + i], _contentCounts[at + i], (_contentValued[c] & (1 << i)) != 0);
            table.Set(F.ContentValue0 + 2 * i, r, sum);
            table.Set(F.ContentValue0 + 2 * i + 1, r, mean);
        }
    }

    /// <summary>Contacts, engaged contacts and roles, and decision-maker engagement per account, as <see cref="BehaviourFeatures"/> rolls them up.</summary>
    private void AccountRollups(StepTable table, int[] rowOf, bool[] engaged30)
    {
        int accounts = _customers.AccountIds.Count;
        var contactCount = new int[accounts];
        var engagedCount = new int[accounts];
        var dmEngaged = new bool[accounts];
        bool masks = _roleKeys <= 64;
        var roleMask = masks ? new ulong[accounts] : null;
        var roleSets = masks ? null : new HashSet<int>?[accounts];
        var accountIndex = _customers.AccountIndex;
        for (int c = 0; c < rowOf.Length; c++)
        {
            int a = accountIndex[c];
            if (rowOf[c] < 0 || a < 0)
            {
                continue;
            }
            contactCount[a]++;
            if (engaged30[c])
            {
                engagedCount[a]++;
                int role = _roleKey[c];
                if (role >= 0)
                {
                    if (roleMask is not null)
                    {
                        roleMask[a] |= 1UL << role;
                    }
                    else
                    {
                        (roleSets![a] ??= []).Add(role);
                    }
                }
                dmEngaged[a] |= _customers[c].IsDecisionMaker;
            }
        }
        for (int c = 0; c < rowOf.Length; c++)
        {
            int r = rowOf[c];
            if (r < 0)
            {
                continue;
            }
            int a = accountIndex[c];
            if (a < 0)
            {
                // A customer without an account is an account of one.
                table.Set(F.AccountContacts, r, 1);
                table.Set(F.AccountEngagedContacts30d, r, engaged30[c] ? 1 : 0);
                table.Set(F.AccountEngagedRoles30d, r, engaged30[c] && _customers[c].Role is not null ? 1 : 0);
                table.Set(F.AccountDecisionMakerEngaged, r, engaged30[c] && _customers[c].IsDecisionMaker ? 1 : 0);
                continue;
            }
            table.Set(F.AccountContacts, r, contactCount[a]);
            table.Set(F.AccountEngagedContacts30d, r, engagedCount[a]);
            table.Set(F.AccountEngagedRoles30d, r, roleMask is not null ? System.Numerics.BitOperations.PopCount(roleMask[a]) : roleSets![a]?.Count ?? 0);
            table.Set(F.AccountDecisionMakerEngaged, r, dmEngaged[a] ? 1 : 0);
        }
    }

    private static double Days(long ticks) => ticks / (double)TimeSpan.TicksPerDay;

    /// <summary>Positions in <see cref="FeatureNames.Definitions"/>.</summary>
    private static class F
    {
        public const int TenureDays = 0, HistoryDays = 1, IsNew = 2, IsCustomer = 3, DaysAsCustomer = 4;
        public const int Logins7d = 5, Logins30d = 6, LoginsPrev30d = 7, Logins90d = 8, LoginRate90d = 9, LoginTrend = 10;
        public const int DaysSinceLastLogin = 11, DaysSinceLastActivity = 12, ActiveDays30d = 13, ActiveDays90d = 14;
        public const int Tickets30d = 15, TicketsPrev30d = 16, Tickets90d = 17, TicketTrend = 18, Escalations90d = 19;
        public const int Content30d = 20, Content90d = 21, PageViews30d = 22, PageViews90d = 23, EmailOpens30d = 24, EmailOpens90d = 25;
        public const int EmailClicks30d = 26, EmailClicks90d = 27, Downloads90d = 28, Webinars90d = 29, CaseStudyViews90d = 30, ComparisonViews90d = 31;
        public const int PricingViews14d = 32, PricingViews90d = 33, SalesTouches90d = 34;
        public const int AccountContacts = 35, AccountEngagedContacts30d = 36, AccountEngagedRoles30d = 37, AccountDecisionMakerEngaged = 38;
        public const int Reactivations = 39, UsageMinutes30d = 40, UsageMinutesPrev30d = 41, UsageMinutes90d = 42, UsageTrend = 43;
        public const int TicketSeverityMax90d = 44, TicketSeverityMean90d = 45;
        /// <summary>The content value features, in <see cref="FeatureNames.ContentValues"/> order, sum then mean: page_view_value_90d ... pricing_page_view_value_mean_90d.</summary>
        public const int ContentValue0 = 46;
        public const int Purchases90d = 62, DaysSinceLastPurchase = 63;
        public const int Plan = 64, Role = 65, Region = 66;
    }

    /// <summary>One date's rows: only the wanted columns are allocated and written.</summary>
    private sealed class StepTable
    {
        private readonly float[]?[] _numbers;
        private readonly bool[] _wanted;

        public StepTable(int rows, bool[] wanted)
        {
            _wanted = wanted;
            _numbers = new float[]?[wanted.Length];
            for (int i = 0; i < F.Plan; i++)
            {
                _numbers[i] = wanted[i] ? new float[rows] : null;
            }
            Customer = new int[rows];
            Status = new CustomerStatus[rows];
        }

        /// <summary>The customer index of each row.</summary>
        public int[] Customer { get; }
        public CustomerStatus[] Status { get; }

        public bool Wants(int feature) => _numbers[feature] is not null;

        public void Set(int feature, int row, float value)
        {
            if (_numbers[feature] is { } column)
            {
                column[row] = value;
            }
        }

        public FeatureTable ToFeatureTable(DateTime asOf, CustomerTable customers, FeaturePlan plan, bool[] wantedAttributes,
            IReadOnlyList<string> interventionKinds, InterventionTable? interventions)
        {
            var columns = new List<FeatureColumn>();
            var definitions = FeatureNames.Definitions;
            for (int i = 0; i < definitions.Count; i++)
            {
                if (!_wanted[i])
                {
                    continue;
                }
                var (name, description) = definitions[i];
                columns.Add(i switch
                {
                    F.Plan => FeatureColumn.Categorical(name, description, [.. Customer.Select(c => customers[c].Plan)]),
                    F.Role => FeatureColumn.Categorical(name, description, [.. Customer.Select(c => customers[c].Role)]),
                    F.Region => FeatureColumn.Categorical(name, description, [.. Customer.Select(c => customers[c].Region)]),
                    _ => FeatureColumn.Numeric(name, description, _numbers[i]!),
                });
            }
            columns.AddRange(BehaviourFeatures.AttributeColumns(plan, Customer, a => wantedAttributes[a]));
            columns.AddRange(InterventionFeatures.Columns(interventionKinds, interventions, Customer, asOf));
            return new FeatureTable([.. Customer.Select(c => customers[c].CustomerId)], columns)
            {
                AccountIds = [.. Customer.Select(c => customers[c].AccountId)],
                Status = Status,
                AsOf = asOf,
            };
        }
    }
}
