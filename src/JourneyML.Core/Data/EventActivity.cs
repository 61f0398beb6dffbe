namespace JourneyML.Core.Data;

/// <summary>
/// Activity over time: events per week by family (logins, tickets, content, ...) and the customers active each week.
/// Weeks run Monday to Sunday (UTC); only whole weeks inside the export are kept, so a half week at either end does not
/// read as a drop in activity.
/// </summary>
public sealed record ActivityByWeek(IReadOnlyList<DateTime> Weeks, IReadOnlyDictionary<EventFamily, long[]> Events, int[] ActiveCustomers)
{
    /// <summary>Every event of a week, all families together.</summary>
    public long TotalEvents(int week) => Events.Values.Sum(counts => counts[week]);
}

public static class EventActivity
{
    /// <summary>Counts a dataset's valid events per whole week and family: one pass over the events (two when the mapping has no dataStart).</summary>
    public static ActivityByWeek Weekly(Dataset dataset, CancellationToken cancellationToken = default)
    {
        var families = Enum.GetValues<EventFamily>();
        var start = dataset.Mapping.DataStart ?? FirstEvent(dataset, cancellationToken);
        if (start is null)
        {
            return new ActivityByWeek([], families.ToDictionary(f => f, _ => Array.Empty<long>()), []);
        }
        var firstWeek = NextMonday(start.Value);
        int weeks = Math.Max(0, (int)((dataset.DataAsOf - firstWeek).TotalDays / 7));
        var counts = families.ToDictionary(f => f, _ => new long[weeks]);
        // One bit per customer and week: a few hundred kilobytes even for 100,000 customers over a year.
        int customers = dataset.Customers.Count;
        var active = new System.Collections.BitArray(checked(customers * Math.Max(weeks, 1)));
        long firstTicks = firstWeek.Ticks;
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var batch in dataset.Events.ReadPartition(p, withChannel: false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int i = 0; i < batch.Count; i++)
                {
                    long offset = batch.Ticks[i] - firstTicks;
                    int week = offset < 0 ? -1 : (int)(offset / TimeSpan.TicksPerDay / 7);
                    if (week < 0 || week >= weeks)
                    {
                        continue;
                    }
                    counts[batch.Kind[i].Family()][week]++;
                    active[week * customers + batch.Customer[i]] = true;
                }
            }
        }
        var activeCustomers = new int[weeks];
        for (int w = 0; w < weeks; w++)
        {
            for (int c = 0; c < customers; c++)
            {
                activeCustomers[w] += active[w * customers + c] ? 1 : 0;
            }
        }
        return new ActivityByWeek([.. Enumerable.Range(0, weeks).Select(w => firstWeek.AddDays(7 * w))], counts, activeCustomers);
    }

    private static DateTime? FirstEvent(Dataset dataset, CancellationToken cancellationToken)
    {
        long first = long.MaxValue;
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var batch in dataset.Events.ReadPartition(p, withChannel: false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int i = 0; i < batch.Count; i++)
                {
                    first = Math.Min(first, batch.Ticks[i]);
                }
            }
        }
        return first == long.MaxValue ? null : new DateTime(first, DateTimeKind.Utc);
    }

    /// <summary>The first Monday at or after a moment (midnight UTC): the start of the first whole week.</summary>
    internal static DateTime NextMonday(DateTime moment)
    {
        var day = DateTime.SpecifyKind(moment.Date, DateTimeKind.Utc);
        if (day < moment)
        {
            day = day.AddDays(1);
        }
        int ahead = ((int)DayOfWeek.Monday - (int)day.DayOfWeek + 7) % 7;
        return day.AddDays(ahead);
    }
}
