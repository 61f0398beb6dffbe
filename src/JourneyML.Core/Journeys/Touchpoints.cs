using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>
/// An action or channel seen in a stage: how many customers met it there, and how its share differs between stays that
/// moved forward and stays that did not (dropped off, went back or stalled). Counts are given so small numbers read as small.
/// A lift is an association, not a cause.
/// </summary>
public sealed record Touchpoint(string Stage, string Kind, string Name, int Customers, int AdvancingStays, int AdvancingWith,
    int OtherStays, int OtherWith, double? Lift)
{
    /// <summary>
    /// An action whose event type defines leaving the stage (<see cref="DefiningEvents"/>: a purchase for a lead, a
    /// cancellation, sales touches for an SQL): its lift is true by definition, so it is shown marked and never ranked.
    /// Channels count only the events that do not define leaving the stage.
    /// </summary>
    public bool DefinesExit { get; init; }

    /// <summary>The stays the lift rests on: those with the touchpoint, forward and other.</summary>
    public int Support => AdvancingWith + OtherWith;

    /// <summary>95% interval of the lift (log risk ratio, Katz; half a stay added to each count when one is 0); null when it cannot be told.</summary>
    public double? LiftLow { get; init; }

    /// <inheritdoc cref="LiftLow"/>
    public double? LiftHigh { get; init; }

    /// <summary>A touchpoint with its lift and the lift's interval from its counts.</summary>
    internal static Touchpoint Of(string stage, string kind, string name, int customers, int advancingStays, int advancingWith,
        int otherStays, int otherWith, bool definesExit)
    {
        double? lift = advancingStays == 0 || otherStays == 0 || otherWith == 0
            ? null
            : (advancingWith / (double)advancingStays) / (otherWith / (double)otherStays);
        var (low, high) = RatioInterval(advancingWith, advancingStays, otherWith, otherStays);
        return new Touchpoint(stage, kind, name, customers, advancingStays, advancingWith, otherStays, otherWith, lift)
        {
            DefinesExit = definesExit,
            LiftLow = low,
            LiftHigh = high,
        };
    }

    /// <summary>The 95% interval of (a/n1)/(c/n2) on the log scale; null when either group is empty.</summary>
    internal static (double? Low, double? High) RatioInterval(int a, int n1, int c, int n2)
    {
        if (n1 == 0 || n2 == 0)
        {
            return (null, null);
        }
        double x = a, y = c, m = n1, n = n2;
        if (a == 0 || c == 0)
        {
            (x, y, m, n) = (a + 0.5, c + 0.5, n1 + 1.0, n2 + 1.0);
        }
        double log = Math.Log((x / m) / (y / n));
        double se = Math.Sqrt(1 / x - 1 / m + 1 / y - 1 / n);
        // A lift of 0 (no forward stay had it) is bounded by 0 from below, whatever the corrected counts say.
        return (a == 0 ? 0 : Math.Exp(log - 1.96 * se), Math.Exp(log + 1.96 * se));
    }
}

/// <summary>Touchpoints per stage from the events and the stage timelines.</summary>
public static class Touchpoints
{
    /// <summary>Events in [from, to) placed in the stay they happened in; actions (event types) and channels counted per stage.</summary>
    public static IReadOnlyList<Touchpoint> Build(Dataset dataset, StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines,
        DateTime from, DateTime to, IReadOnlySet<string>? customers = null, int perStage = 8) =>
        Build(EventTimeline.Build(dataset), model, timelines, from, to, customers, perStage);

    /// <summary>The same from events already grouped per customer in time order: each customer's events in the window walked once, customers in parallel.</summary>
    public static IReadOnlyList<Touchpoint> Build(EventTimeline events, StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines,
        DateTime from, DateTime to, IReadOnlySet<string>? customers = null, int perStage = 8)
    {
        if (!events.HasChannels)
        {
            throw new ArgumentException("touchpoints need the events' channels: build the event timeline with its channels", nameof(events));
        }
        var names = model.Names.ToList();
        var stageIndex = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        var pathOrder = model.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        int stages = names.Count;
        var defining = DefiningEvents.Masks(model);
        // A touchpoint is an action (event type) or a channel: actions first, then the channels by id.
        int touches = EventKinds.Count + events.ChannelNames.Count;
        long fromTicks = from.Ticks, toTicks = to.Ticks;
        var dataset = events.Dataset;
        var totals = new TouchCounts(stages, touches, defining);
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, Math.Max(1, events.CustomerCount), 1024), () => new TouchCounts(stages, touches, defining),
            (range, _, counts) =>
            {
                for (int c = range.Item1; c < Math.Min(range.Item2, events.CustomerCount); c++)
                {
                    var id = dataset.Customers[c].CustomerId;
                    if ((customers is not null && !customers.Contains(id)) || !timelines.TryGetValue(id, out var stays))
                    {
                        continue;
                    }
                    counts.Customer(events, c, stays, stageIndex, pathOrder, fromTicks, toTicks);
                }
                return counts;
            },
            counts =>
            {
                lock (totals)
                {
                    totals.Add(counts);
                }
            });
        var result = new List<Touchpoint>();
        for (int s = 0; s < stages; s++)
        {
            for (int k = 0; k < touches; k++)
            {
                int at = s * touches + k;
                int advancingWith = totals.AdvancingWith[at], otherWith = totals.OtherWith[at];
                if (advancingWith + otherWith == 0)
                {
                    continue;
                }
                bool action = k < EventKinds.Count;
                result.Add(Touchpoint.Of(names[s], action ? "action" : "channel", action ? ((EventKind)k).CanonicalName() : events.ChannelNames[k - EventKinds.Count],
                    totals.Customers[at], totals.AdvancingStays[s], advancingWith, totals.OtherStays[s], otherWith,
                    action && DefiningEvents.Defines(defining[s], (EventKind)k)));
            }
        }
        return Rank(result, model, perStage);
    }

    /// <summary>The most common touchpoints of each stage and kind; stages in the model's order.</summary>
    private static List<Touchpoint> Rank(List<Touchpoint> touchpoints, StageModel model, int perStage)
    {
        var names = model.Names.ToList();
        return [.. touchpoints.GroupBy(t => (t.Stage, t.Kind))
            .SelectMany(g => g.OrderByDescending(t => t.Customers).ThenBy(t => t.Name, StringComparer.Ordinal).Take(perStage))
            .OrderBy(t => names.IndexOf(t.Stage)).ThenBy(t => t.Kind, StringComparer.Ordinal).ThenByDescending(t => t.Customers)];
    }

    /// <summary>
    /// The plain way, kept as the reference the grouped one is tested against: every event of the export read again and
    /// placed in its stay through a set of (customer, stay, touchpoint).
    /// </summary>
    internal static IReadOnlyList<Touchpoint> BuildByScan(Dataset dataset, StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines,
        DateTime from, DateTime to, IReadOnlySet<string>? customers = null, int perStage = 8)
    {
        var pathOrder = model.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var names = model.Names.ToList();
        var defining = DefiningEvents.Masks(model);
        // Which (stay, touchpoint) pairs occurred: a stay is (customer, index of the stay).
        var seen = new HashSet<(string Customer, int Stay, string Kind, string Name)>();
        long fromTicks = from.Ticks, toTicks = to.Ticks;
        for (int p = 0; p < dataset.Events.PartitionCount; p++)
        {
            foreach (var batch in dataset.Events.ReadPartition(p))
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    long t = batch.Ticks[i];
                    if (t < fromTicks || t >= toTicks)
                    {
                        continue;
                    }
                    var id = dataset.Customers[batch.Customer[i]].CustomerId;
                    if ((customers is not null && !customers.Contains(id)) || !timelines.TryGetValue(id, out var stays))
                    {
                        continue;
                    }
                    int stay = StayAt(stays, t);
                    if (stay < 0)
                    {
                        continue;
                    }
                    seen.Add((id, stay, "action", batch.Kind[i].CanonicalName()));
                    bool definesExit = DefiningEvents.Defines(defining[names.IndexOf(stays[stay].Stage)], batch.Kind[i]);
                    if (batch.Channel[i] is { } channel && !definesExit)
                    {
                        seen.Add((id, stay, "channel", channel));
                    }
                }
            }
        }
        // Each stay that overlaps the window, and whether it ended by moving forward on the path.
        var stayOutcome = new Dictionary<(string, int), (string Stage, bool Advanced)>();
        foreach (var (id, stays) in timelines)
        {
            if (customers is not null && !customers.Contains(id))
            {
                continue;
            }
            for (int s = 0; s < stays.Count; s++)
            {
                var stay = stays[s];
                if (stay.EnteredAt >= to || (stay.LeftAt ?? DateTime.MaxValue) <= from)
                {
                    continue;
                }
                bool advanced = s + 1 < stays.Count && pathOrder.TryGetValue(stay.Stage, out int a)
                    && pathOrder.TryGetValue(stays[s + 1].Stage, out int b) && b > a;
                stayOutcome[(id, s)] = (stay.Stage, advanced);
            }
        }
        var staysPerStage = stayOutcome.Values.GroupBy(v => v.Stage).ToDictionary(g => g.Key, g => (Advancing: g.Count(v => v.Advanced), Other: g.Count(v => !v.Advanced)));
        var result = new List<Touchpoint>();
        foreach (var group in seen.Where(x => stayOutcome.ContainsKey((x.Customer, x.Stay)))
            .GroupBy(x => (Stage: stayOutcome[(x.Customer, x.Stay)].Stage, x.Kind, x.Name)))
        {
            var (advancingStays, otherStays) = staysPerStage[group.Key.Stage];
            int advancingWith = group.Count(x => stayOutcome[(x.Customer, x.Stay)].Advanced);
            int otherWith = group.Count() - advancingWith;
            bool definesExit = group.Key.Kind == "action" && EventKinds.TryParseCanonical(group.Key.Name, out var kind)
                && DefiningEvents.Defines(defining[names.IndexOf(group.Key.Stage)], kind);
            result.Add(Touchpoint.Of(group.Key.Stage, group.Key.Kind, group.Key.Name, group.Select(x => x.Customer).Distinct().Count(),
                advancingStays, advancingWith, otherStays, otherWith, definesExit));
        }
        return Rank(result, model, perStage);
    }

    private static int StayAt(IReadOnlyList<StageStay> stays, long ticks)
    {
        for (int s = stays.Count - 1; s >= 0; s--)
        {
            if (stays[s].EnteredAt.Ticks <= ticks)
            {
                return stays[s].LeftAt is { } left && left.Ticks <= ticks ? -1 : s;
            }
        }
        return -1;
    }

    /// <summary>Counts of one worker: stays per stage that moved forward or not, and per (stage, touchpoint) the stays and customers with it.</summary>
    private sealed class TouchCounts(int stages, int touches, ulong[] defining)
    {
        public int[] AdvancingStays { get; } = new int[stages];
        public int[] OtherStays { get; } = new int[stages];
        public int[] AdvancingWith { get; } = new int[stages * touches];
        public int[] OtherWith { get; } = new int[stages * touches];
        public int[] Customers { get; } = new int[stages * touches];

        // Per (stage, touchpoint): the last customer (+1) and stay counted, so each is counted once.
        private readonly int[] _lastCustomer = new int[stages * touches];
        private readonly int[] _lastStay = new int[stages * touches];
        private readonly List<int> _stayIndex = [];

        public void Customer(EventTimeline events, int c, IReadOnlyList<StageStay> stays, Dictionary<string, int> stageIndex,
            Dictionary<string, int> pathOrder, long fromTicks, long toTicks)
        {
            // Stays that overlap the window, and whether each ended by moving forward on the path.
            _stayIndex.Clear();
            for (int s = 0; s < stays.Count; s++)
            {
                var stay = stays[s];
                if (stay.EnteredAt.Ticks >= toTicks || (stay.LeftAt?.Ticks ?? long.MaxValue) <= fromTicks)
                {
                    _stayIndex.Add(-1);
                    continue;
                }
                if (!stageIndex.TryGetValue(stay.Stage, out int stage))
                {
                    throw new ArgumentException($"the timelines have a stage '{stay.Stage}' that the stage model does not name");
                }
                _stayIndex.Add(stage);
                if (Advanced(stays, s, pathOrder))
                {
                    AdvancingStays[stage]++;
                }
                else
                {
                    OtherStays[stage]++;
                }
            }
            var ticks = events.Ticks;
            var kinds = events.Kinds;
            var channels = events.Channels;
            int end = events.FirstAtOrAfter(c, toTicks);
            int current = -1;
            for (int i = events.FirstAtOrAfter(c, fromTicks); i < end; i++)
            {
                long t = ticks[i];
                // The stay the event happened in: the last one entered at or before it, if it has not ended.
                while (current + 1 < stays.Count && stays[current + 1].EnteredAt.Ticks <= t)
                {
                    current++;
                }
                if (current < 0 || (stays[current].LeftAt is { } left && left.Ticks <= t) || _stayIndex[current] < 0)
                {
                    continue;
                }
                int stage = _stayIndex[current];
                bool advanced = Advanced(stays, current, pathOrder);
                Count(c, current, stage * touches + (int)kinds[i], advanced);
                // A channel counts only what does not define leaving the stage (the meeting that makes an SQL is not the sales channel's lift).
                if (channels[i] > 0 && !DefiningEvents.Defines(defining[stage], kinds[i]))
                {
                    Count(c, current, stage * touches + EventKinds.Count + channels[i] - 1, advanced);
                }
            }
        }

        private void Count(int c, int stay, int at, bool advanced)
        {
            if (_lastCustomer[at] == c + 1)
            {
                if (_lastStay[at] == stay)
                {
                    return;
                }
            }
            else
            {
                _lastCustomer[at] = c + 1;
                Customers[at]++;
            }
            _lastStay[at] = stay;
            if (advanced)
            {
                AdvancingWith[at]++;
            }
            else
            {
                OtherWith[at]++;
            }
        }

        private static bool Advanced(IReadOnlyList<StageStay> stays, int s, Dictionary<string, int> pathOrder) =>
            s + 1 < stays.Count && pathOrder.TryGetValue(stays[s].Stage, out int a) && pathOrder.TryGetValue(stays[s + 1].Stage, out int b) && b > a;

        public void Add(TouchCounts other)
        {
            static void Sum(int[] into, int[] from)
            {
                for (int i = 0; i < into.Length; i++)
                {
                    into[i] += from[i];
                }
            }
            Sum(AdvancingStays, other.AdvancingStays);
            Sum(OtherStays, other.OtherStays);
            Sum(AdvancingWith, other.AdvancingWith);
            Sum(OtherWith, other.OtherWith);
            Sum(Customers, other.Customers);
        }
    }
}
