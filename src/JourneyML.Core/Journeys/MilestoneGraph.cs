using System.Collections.Concurrent;
using System.Globalization;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Journeys;

/// <summary>A milestone and how often it happened in the window: events, and customers with at least one.</summary>
public sealed record MilestoneActivity(string Name, int Events, int Customers)
{
    /// <summary>The export's own event names mapped onto this milestone (journeyml.json's events.types), where they differ from it: shown as the user wrote them.</summary>
    public IReadOnlyList<string> TheirNames { get; init; } = [];
}

/// <summary>One milestone directly followed by another in a customer's events: how often, and the time between them.</summary>
public sealed record MilestoneEdge(string From, string To, int Count, double MedianDays, double P90Days);

/// <summary>A sequence of milestones customers really had in the window, as it happened (repeats kept), and how many had it.</summary>
public sealed record MilestoneVariant(IReadOnlyList<string> Milestones, int Customers);

/// <summary>
/// The directly-follows graph of the milestone events (sign-up, trials, purchases, renewals, cancellations, forms,
/// webinars, meetings, opportunities, tickets) in the map's window: for every pair of milestones one customer had one
/// right after the other, how often and how long between them, as a process-mining tool draws it. The counts are the
/// ones pm4js gives on the same log (the benchmark checks it).
/// </summary>
/// <param name="Customers">Customers with at least one milestone in the window (the cases).</param>
/// <param name="Events">Milestone events in the window.</param>
/// <param name="Start">Per milestone, the customers whose first milestone in the window it was.</param>
/// <param name="End">Per milestone, the customers whose last milestone in the window it was.</param>
/// <param name="VariantCount">Distinct milestone sequences.</param>
public sealed record MilestoneGraph(int Customers, int Events, IReadOnlyList<MilestoneActivity> Activities, IReadOnlyList<MilestoneEdge> Edges,
    IReadOnlyDictionary<string, int> Start, IReadOnlyDictionary<string, int> End, int VariantCount, IReadOnlyList<MilestoneVariant> TopVariants)
{
    /// <summary>The sign-up, from the customers table (not an event type): every journey's first milestone.</summary>
    public const string SignUp = "sign_up";

    /// <summary>The event types that are milestones of a journey; the rest (logins, page views, emails...) are its everyday texture.</summary>
    public static IReadOnlyList<EventKind> Kinds { get; } =
    [
        EventKind.FormSubmitted, EventKind.WebinarAttended, EventKind.MeetingBooked, EventKind.OpportunityOpened, EventKind.OpportunityLost,
        EventKind.TrialStarted, EventKind.Purchase, EventKind.Renewal, EventKind.Upgrade, EventKind.Downgrade, EventKind.Cancellation,
        EventKind.TicketOpened, EventKind.TicketEscalated,
    ];

    private static readonly sbyte[] s_index = BuildIndex();
    private static readonly string[] s_names = [SignUp, .. Kinds.Select(k => k.CanonicalName())];

    private static sbyte[] BuildIndex()
    {
        var index = new sbyte[EventKinds.Count];
        Array.Fill(index, (sbyte)-1);
        for (int i = 0; i < Kinds.Count; i++)
        {
            index[(int)Kinds[i]] = (sbyte)(i + 1);
        }
        return index;
    }

    /// <summary>The graph of the window [from, to), customers in parallel; <paramref name="customers"/> null for everyone.</summary>
    public static MilestoneGraph Build(EventTimeline events, DateTime from, DateTime to, IReadOnlySet<string>? customers = null, int topVariants = 10)
    {
        int k = s_names.Length;
        var totals = new GraphCounts(k);
        Parallel.ForEach(Partitioner.Create(0, Math.Max(1, events.CustomerCount), 1024), () => new GraphCounts(k),
            (range, _, counts) =>
            {
                var sequence = new List<(int Milestone, long Ticks)>();
                for (int c = range.Item1; c < Math.Min(range.Item2, events.CustomerCount); c++)
                {
                    if (customers is null || customers.Contains(events.Dataset.Customers[c].CustomerId))
                    {
                        Sequence(events, c, from.Ticks, to.Ticks, sequence);
                        counts.Add(sequence);
                    }
                }
                return counts;
            },
            counts =>
            {
                lock (totals)
                {
                    totals.Merge(counts);
                }
            });
        var graph = totals.ToGraph(topVariants);
        var theirs = events.Dataset.Mapping.Events.Types
            .Where(t => !string.Equals(t.Key, t.Value, StringComparison.OrdinalIgnoreCase))
            .GroupBy(t => t.Value, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Key).Order(StringComparer.Ordinal).ToList(), StringComparer.OrdinalIgnoreCase);
        return graph with { Activities = [.. graph.Activities.Select(a => theirs.TryGetValue(a.Name, out var names) ? a with { TheirNames = names } : a)] };
    }

    /// <summary>A milestone as the page shows it: "purchase (購入)" when the export calls it something else.</summary>
    public string Label(string milestone) =>
        Activities.FirstOrDefault(a => a.Name == milestone) is { TheirNames.Count: > 0 } a ? $"{milestone} ({string.Join(", ", a.TheirNames)})" : milestone;

    /// <summary>
    /// Customer c's milestones in [from, to) in time order: the sign-up (first on a tie) and the milestone events in the
    /// timeline's order (time, then type). The log the benchmark hands pm4js is written from the same sequences.
    /// </summary>
    internal static void Sequence(EventTimeline events, int c, long fromTicks, long toTicks, List<(int Milestone, long Ticks)> into)
    {
        into.Clear();
        long signUp = events.Dataset.Customers[c].SignedUpAt.Ticks;
        bool signUpPending = signUp >= fromTicks && signUp < toTicks;
        var ticks = events.Ticks;
        var kinds = events.Kinds;
        int end = events.FirstAtOrAfter(c, toTicks);
        for (int i = events.FirstAtOrAfter(c, fromTicks); i < end; i++)
        {
            int milestone = s_index[(int)kinds[i]];
            if (milestone < 0)
            {
                continue;
            }
            if (signUpPending && signUp <= ticks[i])
            {
                into.Add((0, signUp));
                signUpPending = false;
            }
            into.Add((milestone, ticks[i]));
        }
        if (signUpPending)
        {
            into.Add((0, signUp));
        }
    }

    /// <summary>
    /// Writes the window's milestone log as CSV (case, activity, timestamp; ISO 8601 UTC with milliseconds), each
    /// customer's milestones in the order <see cref="Build"/> walks them: the log a process-mining tool reads.
    /// </summary>
    public static void WriteLog(EventTimeline events, DateTime from, DateTime to, TextWriter writer)
    {
        writer.Write("case:concept:name,concept:name,time:timestamp\n");
        var sequence = new List<(int Milestone, long Ticks)>();
        for (int c = 0; c < events.CustomerCount; c++)
        {
            Sequence(events, c, from.Ticks, to.Ticks, sequence);
            var id = Csv(events.Dataset.Customers[c].CustomerId);
            foreach (var (milestone, ticks) in sequence)
            {
                writer.Write(id);
                writer.Write(',');
                writer.Write(s_names[milestone]);
                writer.Write(',');
                writer.Write(new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>The counts of one worker: per milestone, per pair (with the days between), start, end and the sequences.</summary>
    private sealed class GraphCounts(int k)
    {
        private readonly int[] _events = new int[k];
        private readonly int[] _customers = new int[k];
        private readonly int[] _start = new int[k];
        private readonly int[] _end = new int[k];
        private readonly int[] _pairs = new int[k * k];
        private readonly List<float>?[] _days = new List<float>?[k * k];
        private readonly Dictionary<string, int> _variants = new(StringComparer.Ordinal);
        private readonly bool[] _seen = new bool[k];
        private readonly char[] _key = new char[64];
        private int _cases;

        public void Add(List<(int Milestone, long Ticks)> sequence)
        {
            if (sequence.Count == 0)
            {
                return;
            }
            _cases++;
            Array.Clear(_seen);
            _start[sequence[0].Milestone]++;
            _end[sequence[^1].Milestone]++;
            for (int i = 0; i < sequence.Count; i++)
            {
                int m = sequence[i].Milestone;
                _events[m]++;
                if (!_seen[m])
                {
                    _seen[m] = true;
                    _customers[m]++;
                }
                if (i > 0)
                {
                    int at = sequence[i - 1].Milestone * k + m;
                    _pairs[at]++;
                    (_days[at] ??= []).Add((float)TimeSpan.FromTicks(sequence[i].Ticks - sequence[i - 1].Ticks).TotalDays);
                }
            }
            // A sequence as one char a milestone (k is small): a cheap, exact key.
            Span<char> key = sequence.Count <= _key.Length ? _key.AsSpan(0, sequence.Count) : new char[sequence.Count];
            for (int i = 0; i < sequence.Count; i++)
            {
                key[i] = (char)('A' + sequence[i].Milestone);
            }
            var text = new string(key);
            _variants[text] = _variants.GetValueOrDefault(text) + 1;
        }

        public void Merge(GraphCounts other)
        {
            _cases += other._cases;
            for (int m = 0; m < k; m++)
            {
                _events[m] += other._events[m];
                _customers[m] += other._customers[m];
                _start[m] += other._start[m];
                _end[m] += other._end[m];
            }
            for (int at = 0; at < k * k; at++)
            {
                _pairs[at] += other._pairs[at];
                if (other._days[at] is { } days)
                {
                    (_days[at] ??= []).AddRange(days);
                }
            }
            foreach (var (key, count) in other._variants)
            {
                _variants[key] = _variants.GetValueOrDefault(key) + count;
            }
        }

        public MilestoneGraph ToGraph(int topVariants)
        {
            var activities = Enumerable.Range(0, k).Where(m => _events[m] > 0)
                .Select(m => new MilestoneActivity(s_names[m], _events[m], _customers[m])).ToList();
            var edges = new List<MilestoneEdge>();
            for (int at = 0; at < k * k; at++)
            {
                if (_pairs[at] > 0)
                {
                    var days = _days[at]!;
                    days.Sort();
                    edges.Add(new MilestoneEdge(s_names[at / k], s_names[at % k], _pairs[at], days[days.Count / 2], days[Math.Min(days.Count - 1, (int)(days.Count * 0.9))]));
                }
            }
            var ranked = edges.OrderByDescending(e => e.Count).ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList();
            Dictionary<string, int> ByName(int[] counts) =>
                Enumerable.Range(0, k).Where(m => counts[m] > 0).ToDictionary(m => s_names[m], m => counts[m], StringComparer.Ordinal);
            var variants = _variants.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Take(topVariants)
                .Select(v => new MilestoneVariant([.. v.Key.Select(ch => s_names[ch - 'A'])], v.Value)).ToList();
            return new MilestoneGraph(_cases, _events.Sum(), activities, ranked, ByName(_start), ByName(_end), _variants.Count, variants);
        }
    }
}
