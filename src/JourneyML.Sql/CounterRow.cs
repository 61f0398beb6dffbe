using System.Data.Common;
using JourneyML.Core.Features;
using static JourneyML.Sql.FeatureSql;

namespace JourneyML.Sql;

/// <summary>One customer's row of the counters query, put into the C# builder's counters (<see cref="EventAccumulator"/>).</summary>
internal static class CounterRow
{
    public static void Fill(EventAccumulator acc, int c, DbDataReader reader, DuckDbFeatureEngine.Ordinals at, DuckDbFeatureEngine.Totals totals)
    {
        long Long(string column) => reader.IsDBNull(at[column]) ? 0 : Convert.ToInt64(reader.GetValue(at[column]), System.Globalization.CultureInfo.InvariantCulture);
        long? Time(string column) => reader.IsDBNull(at[column]) ? null : Ticks(Convert.ToInt64(reader.GetValue(at[column]), System.Globalization.CultureInfo.InvariantCulture));
        bool Flag(string column) => Long(column) != 0;

        totals.Before += Long(Columns.EventsBefore);
        totals.After += Long(Columns.EventsAfter);
        if (Time(Columns.FirstEvent) is { } first)
        {
            totals.First = Math.Min(totals.First, first);
        }
        for (int slot = 0; slot < Slots.Count; slot++)
        {
            acc.Counts[c * Slots.Count + slot] = checked((int)Long(Columns.Slot(slot)));
        }
        SetActiveDays(acc, c, (int)Long(Columns.Active30), (int)Long(Columns.Active90));
        acc.LastLogin[c] = Time(Columns.LastLogin) ?? 0;
        acc.LastActivity[c] = Time(Columns.LastActivity) ?? 0;
        acc.LastPurchaseBefore[c] = Time(Columns.LastPurchase) ?? 0;
        acc.LastCancellationBefore[c] = Time(Columns.LastCancellation) ?? 0;
        acc.LastOrderBefore[c] = Time(Columns.LastOrder) ?? 0;
        acc.FirstPurchaseAfter[c] = Time(Columns.FirstPurchaseAfter) ?? long.MaxValue;
        acc.FirstCancellationAfter[c] = Time(Columns.FirstCancellationAfter) ?? long.MaxValue;
        acc.PurchasesInExport[c] = checked((int)Long(Columns.PurchasesInExport));
        acc.CancellationsInExport[c] = checked((int)Long(Columns.CancellationsInExport));
        totals.AnyUsage |= Flag(Columns.AnyUsage);
        totals.AnySeverity |= Flag(Columns.AnySeverity);
        acc.HasUsageValue[c] = Flag(Columns.HasUsage);
        int values = c * EventValues.Count;
        acc.ValueMilli[values + EventValues.Usage30] = Long(Columns.Usage30);
        acc.ValueMilli[values + EventValues.UsagePrev30] = Long(Columns.UsagePrev30);
        acc.ValueMilli[values + EventValues.Usage90] = Long(Columns.Usage90);
        acc.ValueMilli[values + EventValues.Severity90] = Long(Columns.SeveritySum);
        acc.SeverityCount[c] = checked((int)Long(Columns.SeverityCount));
        acc.SeverityMax[c] = reader.IsDBNull(at[Columns.SeverityMax]) ? -1f : Convert.ToSingle(reader.GetValue(at[Columns.SeverityMax]), System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < EventValues.ContentCount; i++)
        {
            int content = c * EventValues.ContentCount + i;
            acc.ContentMilli[content] = Long(Columns.ContentSum(i));
            acc.ContentCounts[content] = checked((int)Long(Columns.ContentCount(i)));
            acc.ContentValued[c] |= Flag(Columns.ContentValued(i)) ? 1 << i : 0;
            totals.AnyContent |= Flag(Columns.AnyContent(i)) ? 1 << i : 0;
        }
        SetLifecycle(acc, c, Time(Columns.TenureStart), (int)Long(Columns.Reactivations));
    }

    /// <summary>Ticks (what the C# builder keeps) of the query's UTC microseconds.</summary>
    private static long Ticks(long micros) => DateTime.UnixEpoch.Ticks + micros * 10;

    /// <summary>
    /// The C# builder keeps active days as two 64-bit day masks and reads only their counts (in the last 30 days, in all
    /// 90): masks with those counts of bits, the first ones within days 0..29, read back the same.
    /// </summary>
    private static void SetActiveDays(EventAccumulator acc, int c, int days30, int days90)
    {
        for (int day = 0; day < days30; day++)
        {
            acc.ActiveDays[2 * c] |= 1UL << day;
        }
        for (int day = 30; day < 30 + days90 - days30; day++)
        {
            acc.ActiveDays[2 * c + (day >> 6)] |= 1UL << (day & 63);
        }
    }

    /// <summary>
    /// The C# builder walks a customer's purchases and cancellations for two results, the tenure's start and the
    /// reactivations; the query walked them already (LAG in time order). A walk of cancellation-purchase pairs ending at
    /// the tenure's start reads back both.
    /// </summary>
    private static void SetLifecycle(EventAccumulator acc, int c, long? tenureStart, int reactivations)
    {
        if (tenureStart is not { } start)
        {
            return;
        }
        var keys = new List<long>(2 * reactivations + 1);
        for (int r = 1; r < reactivations; r++)
        {
            keys.Add(LifecycleWalk.Key(2 * r - 1, cancellation: true));
            keys.Add(LifecycleWalk.Key(2 * r, cancellation: false));
        }
        if (reactivations > 0)
        {
            keys.Add(LifecycleWalk.Key(2 * reactivations - 1, cancellation: true));
        }
        keys.Add(LifecycleWalk.Key(start, cancellation: false));
        acc.Lifecycle[c] = keys;
    }
}
