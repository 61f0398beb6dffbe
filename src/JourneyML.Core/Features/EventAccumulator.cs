using System.Runtime.CompilerServices;
using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>Counter positions per customer: which (event family, window) pairs the features need.</summary>
internal static class Slots
{
    public const int Login7 = 0, Login30 = 1, LoginPrev30 = 2, Login90 = 3;
    public const int Ticket30 = 4, TicketPrev30 = 5, Ticket90 = 6, Escalation90 = 7;
    public const int Content30 = 8, Content90 = 9;
    public const int PageView30 = 10, PageView90 = 11, EmailOpen30 = 12, EmailOpen90 = 13, EmailClick30 = 14, EmailClick90 = 15;
    public const int Download90 = 16, Webinar90 = 17, CaseStudy90 = 18, Comparison90 = 19;
    public const int Pricing14 = 20, Pricing90 = 21, Sales90 = 22, Engaged30 = 23, Purchase90 = 24;
    public const int Count = 25;

    // Windows by day index before T (see EventAccumulator.Add): [0,7), [0,14), [0,30), [30,60), [0,90).
    public const int W7 = 0, W14 = 1, W30 = 2, WPrev30 = 3, W90 = 4, Windows = 5;

    /// <summary>Counter positions per event kind and window: a page view in the last 30 days counts as content, as a page view and as engagement.</summary>
    public const int PerEntry = 3;

    /// <summary>For each event kind and window, up to <see cref="PerEntry"/> counter positions (-1 for none, and none after it).</summary>
    public static readonly int[] Map = BuildMap();

    private static int[] BuildMap()
    {
        var map = new int[EventKinds.Count * Windows * PerEntry];
        Array.Fill(map, -1);
        void Set(EventKind kind, int window, int slot)
        {
            int at = ((int)kind * Windows + window) * PerEntry;
            int free = Array.IndexOf(map, -1, at, PerEntry);
            if (free < 0)
            {
                // A counter silently dropped is a feature silently wrong (this once zeroed page_views_30d): fail at start.
                throw new InvalidOperationException($"more than {PerEntry} counters for {kind} in window {window}");
            }
            map[free] = slot;
        }
        Set(EventKind.Login, W7, Login7);
        Set(EventKind.Login, W30, Login30);
        Set(EventKind.Login, WPrev30, LoginPrev30);
        Set(EventKind.Login, W90, Login90);
        foreach (var ticket in new[] { EventKind.TicketOpened, EventKind.TicketEscalated })
        {
            Set(ticket, W30, Ticket30);
            Set(ticket, WPrev30, TicketPrev30);
            Set(ticket, W90, Ticket90);
        }
        Set(EventKind.TicketEscalated, W90, Escalation90);
        foreach (var kind in EventKinds.All.Where(k => k.Family() == EventFamily.Content))
        {
            Set(kind, W30, Content30);
            Set(kind, W90, Content90);
        }
        Set(EventKind.PageView, W30, PageView30);
        Set(EventKind.PageView, W90, PageView90);
        Set(EventKind.EmailOpen, W30, EmailOpen30);
        Set(EventKind.EmailOpen, W90, EmailOpen90);
        Set(EventKind.EmailClick, W30, EmailClick30);
        Set(EventKind.EmailClick, W90, EmailClick90);
        Set(EventKind.Download, W90, Download90);
        Set(EventKind.WebinarAttended, W90, Webinar90);
        Set(EventKind.CaseStudyView, W90, CaseStudy90);
        Set(EventKind.ComparisonPageView, W90, Comparison90);
        Set(EventKind.PricingPageView, W14, Pricing14);
        Set(EventKind.PricingPageView, W90, Pricing90);
        foreach (var kind in EventKinds.All.Where(k => k.Family() == EventFamily.Sales))
        {
            Set(kind, W90, Sales90);
        }
        Set(EventKind.Purchase, W90, Purchase90);
        // Engagement (for account roll-ups); ticket and lifecycle events are left out.
        foreach (var kind in EventKinds.All.Where(k => k.IsEngagement()))
        {
            Set(kind, W30, Engaged30);
        }
        return map;
    }
}

/// <summary>
/// The formulas over event values and lifecycle events that both feature builders share (<see cref="BehaviourFeatures"/>
/// at one date, <see cref="RollingFeatures"/> sliding): one place, so the two cannot drift apart.
/// </summary>
internal static class EventValues
{
    /// <summary>Value sums per customer: minutes of use in the last 30, the 30 before, the last 90 days; ticket severity in the last 90.</summary>
    public const int Usage30 = 0, UsagePrev30 = 1, Usage90 = 2, Severity90 = 3, Count = 4;

    public static bool IsTicket(EventKind kind) => kind is EventKind.TicketOpened or EventKind.TicketEscalated;

    /// <summary>How many event types have a content value feature (<see cref="FeatureNames.ContentValues"/>).</summary>
    public static int ContentCount => FeatureNames.ContentValues.Count;

    /// <summary>Per event kind, its position in <see cref="FeatureNames.ContentValues"/>; -1 when its values feed no content value feature.</summary>
    public static readonly sbyte[] ContentIndex = BuildContentIndex();

    private static sbyte[] BuildContentIndex()
    {
        var index = new sbyte[EventKinds.Count];
        Array.Fill(index, (sbyte)-1);
        for (int i = 0; i < FeatureNames.ContentValues.Count; i++)
        {
            index[(int)FeatureNames.ContentValues[i].Kind] = (sbyte)i;
        }
        return index;
    }

    /// <summary>The event types of a mask of content indexes (bit i for <see cref="FeatureNames.ContentValues"/>[i]).</summary>
    public static IEnumerable<EventKind> ContentKinds(int mask) =>
        FeatureNames.ContentValues.Where((_, i) => (mask & (1 << i)) != 0).Select(v => v.Kind);

    /// <summary>A content type's 90-day sum (NaN for a customer none of whose events of the type before T has a value) and mean per valued event in 90 days (NaN without one).</summary>
    public static (float Sum, float Mean) Content(long sumMilli, int count, bool hasValues) =>
        (hasValues ? FromMilli(sumMilli) : float.NaN, count == 0 ? float.NaN : (float)(sumMilli / 1000.0 / count));

    public static bool IsPurchaseLike(EventKind kind) => kind is EventKind.Purchase or EventKind.Renewal or EventKind.Upgrade;

    /// <summary>Share of buyers who must be repeat buyers before the order counts are written: a stray second purchase row is not a retail business.</summary>
    public const double RepeatBuyerShare = 0.05;

    /// <summary>
    /// Whether the export holds repeat purchases (so <see cref="FeatureNames.RepeatPurchases"/> are written): at least 5% of
    /// the customers with a purchase event have two or more purchases beyond what their cancellations explain (purchases
    /// at least cancellations + 2 over the whole export). A subscriber who cancelled and came back has one purchase per
    /// cancellation plus the first, and a contract one purchase: neither counts; a shopper ordering again and again does.
    /// </summary>
    public static bool HoldsRepeatPurchases(ReadOnlySpan<int> purchases, ReadOnlySpan<int> cancellations)
    {
        int buyers = 0, repeat = 0;
        for (int c = 0; c < purchases.Length; c++)
        {
            buyers += purchases[c] > 0 ? 1 : 0;
            repeat += purchases[c] >= cancellations[c] + 2 ? 1 : 0;
        }
        return repeat > 0 && repeat >= RepeatBuyerShare * buyers;
    }

    /// <summary>
    /// Values are summed in thousandths, as whole numbers: a sum slid forward (values added as they enter a window and
    /// taken away as they leave) then equals one summed afresh exactly, which floating-point sums would not.
    /// </summary>
    public static long Milli(float value) => (long)Math.Round(value * 1000.0);

    public static float FromMilli(long milli) => (float)(milli / 1000.0);

    /// <summary>Minutes of use, the 30 days before and the trend; NaN for a customer none of whose logins before T has a value.</summary>
    public static (float Now, float Before, float Ninety, float Trend) Usage(ReadOnlySpan<long> sums, bool hasValues, double history)
    {
        if (!hasValues)
        {
            return (float.NaN, float.NaN, float.NaN, float.NaN);
        }
        float now = FromMilli(sums[Usage30]), before = FromMilli(sums[UsagePrev30]);
        float trend = history >= 60 ? (float)Math.Log2((now + 1.0) / (before + 1.0)) : float.NaN;
        return (now, before, FromMilli(sums[Usage90]), trend);
    }

    /// <summary>Highest and mean ticket severity over the last 90 days; NaN without a ticket that gives one.</summary>
    public static (float Max, float Mean) Severity(long sumMilli, int count, float max) =>
        count == 0 ? (float.NaN, float.NaN) : (max, (float)(sumMilli / 1000.0 / count));
}

/// <summary>
/// A customer's lifecycle walked in time order (at one instant a purchase before a cancellation, as the status rule
/// reads them): the start of the current tenure and how many times the customer came back after a cancellation.
/// A renewal or upgrade while paying changes nothing; the first purchase-like event after a cancellation is a reactivation
/// and starts a new tenure.
/// </summary>
internal struct LifecycleWalk
{
    private const byte Lead = 0, Paying = 1, Cancelled = 2;
    private byte _state;

    /// <summary>When the current tenure began (0 when the customer never paid).</summary>
    public long TenureStart { get; private set; }
    public int Reactivations { get; private set; }

    public void Purchase(long ticks)
    {
        if (_state == Cancelled)
        {
            Reactivations++;
        }
        if (_state != Paying)
        {
            TenureStart = ticks;
        }
        _state = Paying;
    }

    public void Cancel() => _state = Cancelled;

    /// <summary>Walks lifecycle keys (<see cref="Key"/>) in order.</summary>
    public static LifecycleWalk Of(List<long>? keys)
    {
        var walk = new LifecycleWalk();
        if (keys is null)
        {
            return walk;
        }
        keys.Sort();
        foreach (long key in keys)
        {
            if ((key & 1) == 1)
            {
                walk.Cancel();
            }
            else
            {
                walk.Purchase(key >> 1);
            }
        }
        return walk;
    }

    /// <summary>Time and kind in one sortable number: a cancellation sorts after a purchase at the same instant.</summary>
    public static long Key(long ticks, bool cancellation) => (ticks << 1) | (cancellation ? 1L : 0L);
}

/// <summary>
/// Per-customer counters filled from event batches. Each worker owns one; they merge at the end
/// (counts add, day bitmaps OR, times take the max or min), so the result is independent of partition order.
/// </summary>
internal sealed class EventAccumulator
{
    public EventAccumulator(int customers)
    {
        Counts = new int[customers * Slots.Count];
        ActiveDays = new ulong[customers * 2];
        LastLogin = new long[customers];
        LastActivity = new long[customers];
        LastPurchaseBefore = new long[customers];
        LastCancellationBefore = new long[customers];
        FirstPurchaseAfter = new long[customers];
        FirstCancellationAfter = new long[customers];
        Array.Fill(FirstPurchaseAfter, long.MaxValue);
        Array.Fill(FirstCancellationAfter, long.MaxValue);
        ValueMilli = new long[customers * EventValues.Count];
        HasUsageValue = new bool[customers];
        SeverityCount = new int[customers];
        SeverityMax = new float[customers];
        Array.Fill(SeverityMax, -1f);
        Lifecycle = new List<long>?[customers];
        ContentMilli = new long[customers * EventValues.ContentCount];
        ContentValued = new int[customers];
        ContentCounts = new int[customers * EventValues.ContentCount];
        LastOrderBefore = new long[customers];
        PurchasesInExport = new int[customers];
        CancellationsInExport = new int[customers];
    }

    /// <summary>Per customer, the latest purchase event (an order; renewals and upgrades are not) before T; 0 for none.</summary>
    public long[] LastOrderBefore { get; }

    /// <summary>Per customer, purchase and cancellation events in the whole export (before and after T): whether it holds repeat purchases is the export's matter.</summary>
    public int[] PurchasesInExport { get; }
    public int[] CancellationsInExport { get; }

    /// <summary>Whether the export holds repeat purchases (<see cref="EventValues.HoldsRepeatPurchases"/>).</summary>
    public bool AnyRepeatPurchases => EventValues.HoldsRepeatPurchases(PurchasesInExport, CancellationsInExport);

    /// <summary>Per customer, the events of each content type in the last 90 days that give a value.</summary>
    public int[] ContentCounts { get; }

    /// <summary>Per customer, the 90-day value sums of the content event types in thousandths, in <see cref="FeatureNames.ContentValues"/> order.</summary>
    public long[] ContentMilli { get; }
    /// <summary>Per customer, bit i set when an event of <see cref="FeatureNames.ContentValues"/>[i] before T has a value.</summary>
    public int[] ContentValued { get; }
    /// <summary>Bit i set when any event of <see cref="FeatureNames.ContentValues"/>[i] in the export (before or after T) has a value.</summary>
    public int AnyContentValue { get; private set; }

    /// <summary>Per customer, <see cref="EventValues.Count"/> sums of values in thousandths (see <see cref="EventValues"/>).</summary>
    public long[] ValueMilli { get; }
    /// <summary>Whether any login of the customer before T has a value.</summary>
    public bool[] HasUsageValue { get; }
    /// <summary>Tickets with a value in the last 90 days, and the highest value among them (-1 for none).</summary>
    public int[] SeverityCount { get; }
    public float[] SeverityMax { get; }
    /// <summary>Per customer, the purchase-like and cancellation events before T as <see cref="LifecycleWalk.Key"/>s (null for none).</summary>
    public List<long>?[] Lifecycle { get; }
    /// <summary>Whether any login, or any ticket, anywhere in the export (before or after T) has a value.</summary>
    public bool AnyUsageValue { get; private set; }
    public bool AnySeverityValue { get; private set; }

    public int[] Counts { get; }
    /// <summary>Two words per customer: bit d set when the customer was active d days before T (0..89).</summary>
    public ulong[] ActiveDays { get; }
    public long[] LastLogin { get; }
    public long[] LastActivity { get; }
    public long[] LastPurchaseBefore { get; }
    public long[] LastCancellationBefore { get; }
    /// <summary>First purchase in (T, T + H]; long.MaxValue when none.</summary>
    public long[] FirstPurchaseAfter { get; }
    public long[] FirstCancellationAfter { get; }
    public long EventsBefore { get; private set; }
    public long EventsOnOrAfter { get; private set; }
    /// <summary>The earliest event before T: where the export's history begins.</summary>
    public long FirstEventTicks { get; private set; } = long.MaxValue;

    public void Add(EventBatch batch, Window window)
    {
        var map = Slots.Map;
        var counts = Counts;
        long asOf = window.AsOfTicks;
        long before = 0, after = 0, first = FirstEventTicks;
        bool anyUsage = AnyUsageValue, anySeverity = AnySeverityValue;
        int anyContent = AnyContentValue;
        var contentIndex = EventValues.ContentIndex;
        for (int i = 0; i < batch.Count; i++)
        {
            int c = batch.Customer[i];
            long t = batch.Ticks[i];
            var kind = batch.Kind[i];
            float value = batch.Value[i];
            bool valued = !float.IsNaN(value);
            // Whether value features exist at all is the whole export's matter: every as-of date gets the same columns.
            anyUsage |= valued && kind == EventKind.Login;
            anySeverity |= valued && EventValues.IsTicket(kind);
            int content = valued ? contentIndex[(int)kind] : -1;
            anyContent |= content >= 0 ? 1 << content : 0;
            PurchasesInExport[c] += kind == EventKind.Purchase ? 1 : 0;
            CancellationsInExport[c] += kind == EventKind.Cancellation ? 1 : 0;
            if (t >= asOf)
            {
                // At or after T: never a feature, only a label.
                after++;
                RecordOutcome(c, t, kind, window);
                continue;
            }
            before++;
            if (t < first)
            {
                first = t;
            }
            RecordLastTimes(c, t, kind);
            // Day d holds events in [T-(d+1) days, T-d days): with T at midnight, calendar days; "last 7 days" is [T-7d, T).
            int day = (int)((asOf - 1 - t) / TimeSpan.TicksPerDay);
            if (valued && kind == EventKind.Login)
            {
                HasUsageValue[c] = true;
            }
            if (content >= 0)
            {
                ContentValued[c] |= 1 << content;
                if (day < 90)
                {
                    ContentMilli[c * EventValues.ContentCount + content] += EventValues.Milli(value);
                    ContentCounts[c * EventValues.ContentCount + content]++;
                }
            }
            if (day >= 90)
            {
                continue;
            }
            MarkActiveDay(c, day, kind);
            CountInWindows(counts, map, c * Slots.Count, (int)kind * Slots.Windows * Slots.PerEntry, day);
            if (valued)
            {
                AddValue(c, kind, value, day);
            }
        }
        AnyUsageValue = anyUsage;
        AnySeverityValue = anySeverity;
        AnyContentValue = anyContent;
        EventsBefore += before;
        EventsOnOrAfter += after;
        FirstEventTicks = first;
    }

    /// <summary>An event at or after T: the first purchase or cancellation in the horizon becomes a label.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordOutcome(int c, long t, EventKind kind, Window window)
    {
        if (window.InHorizon(t))
        {
            if (kind == EventKind.Purchase && t < FirstPurchaseAfter[c])
            {
                FirstPurchaseAfter[c] = t;
            }
            else if (kind == EventKind.Cancellation && t < FirstCancellationAfter[c])
            {
                FirstCancellationAfter[c] = t;
            }
        }
    }

    /// <summary>A login's minutes in the 30, previous-30 and 90-day sums; a ticket's severity in the 90-day ones.</summary>
    private void AddValue(int c, EventKind kind, float value, int day)
    {
        int at = c * EventValues.Count;
        long milli = EventValues.Milli(value);
        if (kind == EventKind.Login)
        {
            ValueMilli[at + EventValues.Usage90] += milli;
            if (day < 30)
            {
                ValueMilli[at + EventValues.Usage30] += milli;
            }
            else if (day < 60)
            {
                ValueMilli[at + EventValues.UsagePrev30] += milli;
            }
        }
        else if (EventValues.IsTicket(kind))
        {
            ValueMilli[at + EventValues.Severity90] += milli;
            SeverityCount[c]++;
            SeverityMax[c] = Math.Max(SeverityMax[c], value);
        }
    }

    /// <summary>The latest purchase, cancellation, login and activity before T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordLastTimes(int c, long t, EventKind kind)
    {
        if (EventValues.IsPurchaseLike(kind))
        {
            // Renewals and upgrades prove a paying customer even when the original purchase predates the export.
            if (t > LastPurchaseBefore[c])
            {
                LastPurchaseBefore[c] = t;
            }
            (Lifecycle[c] ??= []).Add(LifecycleWalk.Key(t, cancellation: false));
            if (kind == EventKind.Purchase && t > LastOrderBefore[c])
            {
                LastOrderBefore[c] = t;
            }
        }
        else if (kind == EventKind.Cancellation)
        {
            if (t > LastCancellationBefore[c])
            {
                LastCancellationBefore[c] = t;
            }
            (Lifecycle[c] ??= []).Add(LifecycleWalk.Key(t, cancellation: true));
        }
        if (kind == EventKind.Login && t > LastLogin[c])
        {
            LastLogin[c] = t;
        }
        if (t > LastActivity[c])
        {
            LastActivity[c] = t;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkActiveDay(int c, int day, EventKind kind)
    {
        if (kind.IsEngagement() || kind.Family() == EventFamily.Ticket || kind == EventKind.Other)
        {
            ActiveDays[2 * c + (day >> 6)] |= 1UL << (day & 63);
        }
    }

    /// <summary>Bumps the counters of every window (7, 14, 30, previous 30, 90 days) the event's day falls in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountInWindows(int[] counts, int[] map, int row, int baseAt, int day)
    {
        Bump(counts, map, row, baseAt + Slots.W90 * Slots.PerEntry);
        if (day < 30)
        {
            Bump(counts, map, row, baseAt + Slots.W30 * Slots.PerEntry);
            if (day < 14)
            {
                Bump(counts, map, row, baseAt + Slots.W14 * Slots.PerEntry);
                if (day < 7)
                {
                    Bump(counts, map, row, baseAt + Slots.W7 * Slots.PerEntry);
                }
            }
        }
        else if (day < 60)
        {
            Bump(counts, map, row, baseAt + Slots.WPrev30 * Slots.PerEntry);
        }
    }

    private static void Bump(int[] counts, int[] map, int row, int at)
    {
        for (int i = at; i < at + Slots.PerEntry && map[i] >= 0; i++)
        {
            counts[row + map[i]]++;
        }
    }

    /// <summary>The export-wide tallies as another engine counted them (JourneyML.Sql): events either side of T, the first event before it, which values exist.</summary>
    internal void SetTotals(long eventsBefore, long eventsOnOrAfter, long firstEventTicks, bool anyUsageValue, bool anySeverityValue, int anyContentValue)
    {
        EventsBefore = eventsBefore;
        EventsOnOrAfter = eventsOnOrAfter;
        FirstEventTicks = firstEventTicks;
        AnyUsageValue = anyUsageValue;
        AnySeverityValue = anySeverityValue;
        AnyContentValue = anyContentValue;
    }

    public void Merge(EventAccumulator other)
    {
        for (int i = 0; i < Counts.Length; i++)
        {
            Counts[i] += other.Counts[i];
        }
        for (int i = 0; i < ActiveDays.Length; i++)
        {
            ActiveDays[i] |= other.ActiveDays[i];
        }
        for (int c = 0; c < LastLogin.Length; c++)
        {
            LastLogin[c] = Math.Max(LastLogin[c], other.LastLogin[c]);
            LastActivity[c] = Math.Max(LastActivity[c], other.LastActivity[c]);
            LastPurchaseBefore[c] = Math.Max(LastPurchaseBefore[c], other.LastPurchaseBefore[c]);
            LastCancellationBefore[c] = Math.Max(LastCancellationBefore[c], other.LastCancellationBefore[c]);
            LastOrderBefore[c] = Math.Max(LastOrderBefore[c], other.LastOrderBefore[c]);
            PurchasesInExport[c] += other.PurchasesInExport[c];
            CancellationsInExport[c] += other.CancellationsInExport[c];
            FirstPurchaseAfter[c] = Math.Min(FirstPurchaseAfter[c], other.FirstPurchaseAfter[c]);
            FirstCancellationAfter[c] = Math.Min(FirstCancellationAfter[c], other.FirstCancellationAfter[c]);
            HasUsageValue[c] |= other.HasUsageValue[c];
            ContentValued[c] |= other.ContentValued[c];
            SeverityCount[c] += other.SeverityCount[c];
            SeverityMax[c] = Math.Max(SeverityMax[c], other.SeverityMax[c]);
            if (other.Lifecycle[c] is { } theirs)
            {
                (Lifecycle[c] ??= []).AddRange(theirs);
            }
        }
        for (int i = 0; i < ValueMilli.Length; i++)
        {
            ValueMilli[i] += other.ValueMilli[i];
        }
        for (int i = 0; i < ContentMilli.Length; i++)
        {
            ContentMilli[i] += other.ContentMilli[i];
            ContentCounts[i] += other.ContentCounts[i];
        }
        AnyContentValue |= other.AnyContentValue;
        AnyUsageValue |= other.AnyUsageValue;
        AnySeverityValue |= other.AnySeverityValue;
        EventsBefore += other.EventsBefore;
        EventsOnOrAfter += other.EventsOnOrAfter;
        FirstEventTicks = Math.Min(FirstEventTicks, other.FirstEventTicks);
    }
}
