using System.Runtime.CompilerServices;
using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>
/// Every customer's events grouped once and in time order, in a compressed layout (per-customer offsets into shared
/// arrays of times, event types and channels): one read of the export that stage timelines, touchpoints and cohorts
/// then walk customer by customer, instead of one read per date. Built from the partitions in parallel.
/// </summary>
public sealed class EventTimeline
{
    private EventTimeline(Dataset dataset, int[] offsets, long[] ticks, EventKind[] kinds, ushort[] channels, float[] values, string[] channelNames, long firstEventTicks, bool hasChannels)
    {
        Values = values;
        int content = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsNaN(values[i]))
            {
                HasUsageValues |= kinds[i] == EventKind.Login;
                HasSeverityValues |= EventValues.IsTicket(kinds[i]);
                int at = EventValues.ContentIndex[(int)kinds[i]];
                content |= at >= 0 ? 1 << at : 0;
            }
        }
        ContentValueKinds = [.. EventValues.ContentKinds(content)];
        HasRepeatPurchases = RepeatPurchasesIn(offsets, kinds);
        HasChannels = hasChannels;
        Dataset = dataset;
        Offsets = offsets;
        Ticks = ticks;
        Kinds = kinds;
        Channels = channels;
        ChannelNames = channelNames;
        FirstEventTicks = firstEventTicks;
    }

    public Dataset Dataset { get; }
    public int CustomerCount => Offsets.Length - 1;
    public int EventCount => Ticks.Length;

    /// <summary>Customer c's events are at [Offsets[c], Offsets[c + 1]), sorted by time (then type, then channel).</summary>
    internal int[] Offsets { get; }
    internal long[] Ticks { get; }
    internal EventKind[] Kinds { get; }
    /// <summary>0 when the event has no channel, else 1 + its index in <see cref="ChannelNames"/>.</summary>
    internal ushort[] Channels { get; }
    /// <summary>The event's value (minutes, severity); NaN when it gives none.</summary>
    internal float[] Values { get; }

    /// <summary>Whether any login, or any ticket, in the export has a value (the value features exist only then).</summary>
    public bool HasUsageValues { get; }
    public bool HasSeverityValues { get; }
    /// <summary>Whether the export holds repeat purchases (<see cref="EventValues.HoldsRepeatPurchases"/>): the order counts exist only then.</summary>
    public bool HasRepeatPurchases { get; }

    private static bool RepeatPurchasesIn(int[] offsets, EventKind[] kinds)
    {
        int customers = offsets.Length - 1;
        var purchases = new int[customers];
        var cancellations = new int[customers];
        for (int c = 0; c < customers; c++)
        {
            for (int i = offsets[c]; i < offsets[c + 1]; i++)
            {
                purchases[c] += kinds[i] == EventKind.Purchase ? 1 : 0;
                cancellations[c] += kinds[i] == EventKind.Cancellation ? 1 : 0;
            }
        }
        return EventValues.HoldsRepeatPurchases(purchases, cancellations);
    }
    /// <summary>The content and pricing-page event types some event of which in the export has a value (their value features exist only then).</summary>
    public IReadOnlyList<EventKind> ContentValueKinds { get; }

    /// <summary>The channels seen, in ordinal order.</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <summary>Whether the channels were read (touchpoints need them).</summary>
    public bool HasChannels { get; }

    /// <summary>The export's earliest event (long.MaxValue when there is none).</summary>
    public long FirstEventTicks { get; }

    /// <summary>
    /// Reads every event of the dataset once (validating it like every read does) and groups it by customer in time order.
    /// Throws <see cref="DataValidationException"/> in strict mode when any event row was invalid.
    /// </summary>
    /// <param name="withChannels">Read the channel column too (touchpoints need it; stage timelines do not, and text is the costly part of a read).</param>
    public static EventTimeline Build(Dataset dataset, bool withChannels = true, int maxDegreeOfParallelism = 0, CancellationToken cancellationToken = default)
    {
        var parts = ReadPartitions(dataset, withChannels, maxDegreeOfParallelism, cancellationToken);
        dataset.Report.ThrowIfInvalid();
        var (channelNames, channelId) = ChannelIdsInOrdinalOrder(parts);
        var layout = Layout.ForCounts(CountPerCustomer(parts, dataset.Customers.Count));
        long first = PlaceByCustomer(parts, channelId, layout, maxDegreeOfParallelism, cancellationToken);
        SortWithinCustomers(layout, dataset.Customers.Count, maxDegreeOfParallelism, cancellationToken);
        return new EventTimeline(dataset, layout.Offsets, layout.Ticks, layout.Kinds, layout.Channels, layout.Values, channelNames, first, withChannels);
    }

    /// <summary>Every partition's valid events, read in parallel, one <see cref="Part"/> each.</summary>
    private static Part[] ReadPartitions(Dataset dataset, bool withChannels, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var parts = new Part[dataset.Events.PartitionCount];
        using var shown = Monitoring.ProgressReporter.Current.Start("reading and grouping events", dataset.Events.EventsByKind?.Values.Sum(), "events");
        ParallelReads.For(parts.Length, Options(maxDegreeOfParallelism, cancellationToken), p =>
        {
            var part = new Part();
            foreach (var batch in dataset.Events.ReadPartition(p, withChannels))
            {
                cancellationToken.ThrowIfCancellationRequested();
                part.Add(batch, withChannels);
                shown.Add(batch.Count);
            }
            parts[p] = part;
        });
        return parts;
    }

    /// <summary>Channel ids in ordinal order of the names, so the layout does not depend on which partition came first.</summary>
    private static (string[] Names, Dictionary<string, ushort> Ids) ChannelIdsInOrdinalOrder(Part[] parts)
    {
        var channelNames = parts.SelectMany(p => p.ChannelNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (channelNames.Length >= ushort.MaxValue)
        {
            throw new DataFileException("events", $"{channelNames.Length:N0} distinct channels: a channel names where customers meet the company (web, email, sales...), not an id; at most {ushort.MaxValue - 1:N0} are supported");
        }
        var channelId = channelNames.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => (ushort)(x.i + 1), StringComparer.Ordinal);
        return (channelNames, channelId);
    }

    /// <summary>How many events each customer has (one more slot at the end, always 0).</summary>
    private static int[] CountPerCustomer(Part[] parts, int customers)
    {
        long total = parts.Sum(p => p.Count);
        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"{total:N0} events do not fit one machine's timeline (at most {Array.MaxLength:N0}): split the export by account");
        }
        var counts = new int[customers + 1];
        foreach (var block in parts.SelectMany(p => p.Blocks))
        {
            foreach (int c in block.Customer)
            {
                counts[c]++;
            }
        }
        return counts;
    }

    /// <summary>Copies every partition's events into their customer's segment of the layout; returns the earliest event's time.</summary>
    private static long PlaceByCustomer(Part[] parts, Dictionary<string, ushort> channelId, Layout layout, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var cursor = layout.Offsets[..^1];
        var ticks = layout.Ticks;
        var kinds = layout.Kinds;
        var channels = layout.Channels;
        var values = layout.Values;
        long first = long.MaxValue;
        ParallelReads.For(parts.Length, Options(maxDegreeOfParallelism, cancellationToken), p =>
        {
            var part = parts[p];
            var remap = new ushort[part.ChannelNames.Count + 1];
            for (int k = 0; k < part.ChannelNames.Count; k++)
            {
                remap[k + 1] = channelId[part.ChannelNames[k]];
            }
            long partFirst = long.MaxValue;
            foreach (var block in part.Blocks)
            {
                for (int i = 0; i < block.Customer.Length; i++)
                {
                    int at = Interlocked.Increment(ref cursor[block.Customer[i]]) - 1;
                    long t = block.Ticks[i];
                    ticks[at] = t;
                    kinds[at] = block.Kind[i];
                    channels[at] = remap[block.Channel[i]];
                    values[at] = block.Value[i];
                    partFirst = Math.Min(partFirst, t);
                }
            }
            InterlockedMin(ref first, partFirst);
            parts[p] = null!; // let the copy go as soon as it is placed
        });
        return first;
    }

    /// <summary>Within a customer, order by time, then type, then channel: the same layout whatever the partitions' order.</summary>
    private static void SortWithinCustomers(Layout layout, int customers, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var (offsets, ticks, kinds, channels, values) = layout;
        Parallel.For(0, customers, Options(maxDegreeOfParallelism, cancellationToken), () => new SortBuffer(),
            (c, _, buffer) =>
            {
                buffer.SortSegment(ticks, kinds, channels, values, offsets[c], offsets[c + 1]);
                return buffer;
            }, _ => { });
    }

    /// <summary>
    /// Every customer's features as of a date: the table <see cref="BehaviourFeatures.Build"/> gives, without the labels
    /// (a journey map needs the signals now, not the outcomes after).
    /// </summary>
    public FeatureTable FeaturesAt(DateTime asOf, CancellationToken cancellationToken = default) =>
        new RollingFeatures(this).Advance(asOf, cancellationToken);

    /// <summary>The first index in customer c's events whose time is at or after <paramref name="ticks"/> (the segment's end when none is).</summary>
    internal int FirstAtOrAfter(int c, long ticks)
    {
        int lo = Offsets[c], hi = Offsets[c + 1];
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Ticks[mid] < ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static ParallelOptions Options(int maxDegreeOfParallelism, CancellationToken cancellationToken) => new()
    {
        MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
        CancellationToken = cancellationToken,
    };

    private static void InterlockedMin(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    /// <summary>One partition's valid events, copied out of the pooled batches a block per batch (no slack, no regrowth).</summary>
    private sealed class Part
    {
        private readonly Dictionary<string, ushort> _channelIds = new(StringComparer.Ordinal);
        // The reader hands out one string per distinct channel: most rows are found by reference.
        private readonly Dictionary<string, ushort> _byReference = new(ReferenceEqualityComparer.Instance);

        public List<Block> Blocks { get; } = [];
        public long Count { get; private set; }
        /// <summary>This partition's channels: id k (from 1) is ChannelNames[k - 1].</summary>
        public List<string> ChannelNames { get; } = [];

        public void Add(EventBatch batch, bool withChannels)
        {
            int n = batch.Count;
            var block = new Block(batch.Customer[..n], batch.Ticks[..n], batch.Kind[..n], new ushort[n], batch.Value[..n]);
            if (withChannels)
            {
                for (int i = 0; i < n; i++)
                {
                    block.Channel[i] = batch.Channel[i] is { } name ? Id(name) : (ushort)0;
                }
            }
            Blocks.Add(block);
            Count += n;
        }

        private ushort Id(string name)
        {
            if (_byReference.TryGetValue(name, out var id))
            {
                return id;
            }
            if (!_channelIds.TryGetValue(name, out id))
            {
                if (ChannelNames.Count >= ushort.MaxValue - 1)
                {
                    throw new DataFileException("events", $"more than {ushort.MaxValue - 1:N0} distinct channels: a channel names where customers meet the company (web, email, sales...), not an id");
                }
                ChannelNames.Add(name);
                _channelIds[name] = id = (ushort)ChannelNames.Count;
            }
            _byReference[name] = id;
            return id;
        }
    }

    private sealed record Block(int[] Customer, long[] Ticks, EventKind[] Kind, ushort[] Channel, float[] Value);

    /// <summary>The timeline's arrays while it is built: customer c's events go to [Offsets[c], Offsets[c + 1]).</summary>
    private sealed record Layout(int[] Offsets, long[] Ticks, EventKind[] Kinds, ushort[] Channels, float[] Values)
    {
        /// <param name="counts">Events per customer, with one more slot at the end.</param>
        public static Layout ForCounts(int[] counts)
        {
            int customers = counts.Length - 1;
            var offsets = new int[customers + 1];
            for (int c = 0; c < customers; c++)
            {
                offsets[c + 1] = offsets[c] + counts[c];
            }
            int total = offsets[customers];
            return new Layout(offsets, new long[total], new EventKind[total], new ushort[total], new float[total]);
        }
    }

    /// <summary>Sorts one customer's events in place when they are not in order already (they usually are).</summary>
    private sealed class SortBuffer
    {
        private long[] _keys = new long[64];
        private int[] _order = new int[64];
        private EventKind[] _kinds = new EventKind[64];
        private ushort[] _channels = new ushort[64];
        private float[] _values = new float[64];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs millions of times from the first call: no slow first tier
        public void SortSegment(long[] ticks, EventKind[] kinds, ushort[] channels, float[] values, int start, int end)
        {
            bool sorted = true;
            for (int i = start + 1; i < end && sorted; i++)
            {
                sorted = Compare(ticks[i - 1], kinds[i - 1], channels[i - 1], ticks[i], kinds[i], channels[i]) <= 0;
            }
            if (sorted)
            {
                return;
            }
            int n = end - start;
            if (_keys.Length < n)
            {
                int size = Math.Max(n, _keys.Length * 2);
                _keys = new long[size];
                _order = new int[size];
                _kinds = new EventKind[size];
                _channels = new ushort[size];
                _values = new float[size];
            }
            ticks.AsSpan(start, n).CopyTo(_keys);
            kinds.AsSpan(start, n).CopyTo(_kinds);
            channels.AsSpan(start, n).CopyTo(_channels);
            values.AsSpan(start, n).CopyTo(_values);
            for (int i = 0; i < n; i++)
            {
                _order[i] = i;
            }
            var keys = _keys;
            var k = _kinds;
            var ch = _channels;
            _order.AsSpan(0, n).Sort((a, b) => Compare(keys[a], k[a], ch[a], keys[b], k[b], ch[b]));
            for (int i = 0; i < n; i++)
            {
                int from = _order[i];
                ticks[start + i] = keys[from];
                kinds[start + i] = k[from];
                channels[start + i] = ch[from];
                values[start + i] = _values[from];
            }
        }

        private static int Compare(long t1, EventKind k1, ushort c1, long t2, EventKind k2, ushort c2)
        {
            int byTime = t1.CompareTo(t2);
            if (byTime != 0)
            {
                return byTime;
            }
            int byKind = ((byte)k1).CompareTo((byte)k2);
            return byKind != 0 ? byKind : c1.CompareTo(c2);
        }
    }
}
