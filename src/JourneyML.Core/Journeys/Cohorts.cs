using System.Collections.Concurrent;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>Whose outcome a cohort is compared on: customers (churn) or leads (moving on along the path).</summary>
public enum CohortSide
{
    /// <summary>Paying customers' stages (the customer stage and later, and off-path stages only customers are in): churn within the horizon.</summary>
    Customers,
    /// <summary>Lead stages (the path before the customer stage): reaching a later stage within the horizon.</summary>
    Leads,
}

/// <summary>
/// A cohort: those who, in their first days in a stage, did something (or did not). Counted from the events: the
/// event types named, by the customer themself or, for <see cref="DecisionMaker"/>, by a decision-maker of their account.
/// </summary>
/// <param name="Name">A short id (for the JSON).</param>
/// <param name="Words">What they did, as a verb phrase after "who entered X and ..." ("had 3+ support tickets").</param>
/// <param name="Days">The first days in the stage the behaviour is counted in.</param>
/// <param name="AtLeast">In the cohort with at least this many events in those days...</param>
/// <param name="AtMost">... and at most this many (null: no limit; 0 with <paramref name="AtLeast"/> 0: none at all).</param>
public sealed record CohortDefinition(string Name, string Words, CohortSide Side, IReadOnlyList<EventKind> Events, int Days, int AtLeast, int? AtMost = null,
    bool DecisionMaker = false);

/// <summary>
/// One cohort of one stage against the rest of those who entered it: how many reached the outcome (churned, or moved on
/// along the path) within the horizon, in each group. Counts are kept so small groups read as small.
/// </summary>
public sealed record CohortComparison(string Stage, string Cohort, string Words, string Outcome, string? NextStage, int Days, int HorizonDays,
    int Customers, int CustomersWithOutcome, int OtherCustomers, int OtherCustomersWithOutcome)
{
    public double Rate => CustomersWithOutcome / (double)Customers;
    public double OtherRate => OtherCustomersWithOutcome / (double)OtherCustomers;
    /// <summary>The cohort's rate over the others'; null when none of the others reached the outcome.</summary>
    public double? Ratio => OtherCustomersWithOutcome == 0 ? null : Rate / OtherRate;

    /// <summary>
    /// Whether the difference is more than chance would give groups of these sizes: a two-proportion z-test at the 5%
    /// level (|z| of 1.96 or more). A marketer acts on what the map says; noise should not reach it.
    /// </summary>
    public bool Significant
    {
        get
        {
            int n1 = Customers, n2 = OtherCustomers;
            double pooled = (CustomersWithOutcome + OtherCustomersWithOutcome) / (double)(n1 + n2);
            double se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
            return se > 0 && Math.Abs(Rate - OtherRate) / se >= 1.96;
        }
    }
}

/// <summary>
/// Cohort comparisons from the events and the stage timelines: for those who entered a stage in the map's window (with
/// the whole horizon still inside it), the cohorts told apart by what they did in their first days there, each compared
/// with the rest on churn (customers) or on reaching a later stage (leads). Customers who churned within those first
/// days are left out (their behaviour was cut short); a lead's behaviour counts while the lead is in the stage, so
/// what happens after moving on is not taken for its cause. Groups under <see cref="JourneyInsights.MinimumCustomers"/>
/// are left out. Associations, not causes: the insights say "as often", never "because".
/// </summary>
public static class Cohorts
{
    public const int DefaultHorizonDays = 90;

    private static readonly EventKind[] s_tickets = [EventKind.TicketOpened, EventKind.TicketEscalated];
    private static readonly EventKind[] s_engagement = [.. EventKinds.All.Where(k => k.IsEngagement())];

    /// <summary>
    /// The cohorts a CS lead and a marketing lead ask about first: friction and silence early in a customer stage (the
    /// signals that come before churn), and the engagement that feeds lead scoring early in a lead stage.
    /// </summary>
    public static IReadOnlyList<CohortDefinition> Default { get; } =
    [
        new("tickets-3", "had 3+ support tickets in their first 30 days there", CohortSide.Customers, s_tickets, 30, 3),
        new("escalated-ticket", "had a ticket escalated in their first 30 days there", CohortSide.Customers, [EventKind.TicketEscalated], 30, 1),
        new("no-login-14", "did not log in during their first 14 days there", CohortSide.Customers, [EventKind.Login], 14, 0, 0),
        new("decision-maker-silent", "had no decision-maker of their account engaged in their first 30 days there", CohortSide.Customers, s_engagement, 30, 0, 0, DecisionMaker: true),
        new("webinar", "attended a webinar in their first 30 days there", CohortSide.Leads, [EventKind.WebinarAttended], 30, 1),
        new("pricing-views-3", "viewed the pricing page 3+ times in their first 30 days there", CohortSide.Leads, [EventKind.PricingPageView], 30, 3),
        new("download", "downloaded an asset in their first 30 days there", CohortSide.Leads, [EventKind.Download], 30, 1),
        new("decision-maker-engaged", "had a decision-maker of their account engaged in their first 30 days there", CohortSide.Leads, s_engagement, 30, 1, DecisionMaker: true),
    ];

    /// <param name="events">Every customer's events in time order (<see cref="EventTimeline"/>).</param>
    /// <param name="timelines">Stage stays per customer (<see cref="StageHistory.Build(EventTimeline, StageModel, DateTime, DateTime, int, Registry.LoadedModels?, CancellationToken)"/>).</param>
    /// <param name="customers">The customers to compare (a segment, an account); null for everyone.</param>
    public static IReadOnlyList<CohortComparison> Build(EventTimeline events, StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines,
        DateTime from, DateTime to, IReadOnlySet<string>? customers = null, IReadOnlyList<CohortDefinition>? definitions = null,
        int horizonDays = DefaultHorizonDays)
    {
        definitions ??= Default;
        Check(definitions, horizonDays);
        var sides = Sides(model, out string? churnedStage);
        var horizon = TimeSpan.FromDays(horizonDays);
        // Entries whose whole horizon is inside the window: the outcome is known for every one of them.
        long firstEntry = from.Ticks, lastEntry = (to - horizon).Ticks;
        if (lastEntry < firstEntry)
        {
            return [];
        }
        var scan = new CohortScan(events, model.Names.ToList(),
            model.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal),
            sides, churnedStage, definitions,
            [.. definitions.Select(d => d.Events.Aggregate(0UL, (mask, k) => mask | (1UL << (int)k)))],
            DecisionMakers(events.Dataset.Customers), horizon, firstEntry, lastEntry);
        var totals = CountAll(scan, timelines, customers);
        return Compare(scan, totals, model, horizonDays);
    }

    /// <summary>What counting the cohorts needs, for every customer alike.</summary>
    /// <param name="KindMasks">Per definition, its event types as a bit mask.</param>
    /// <param name="FirstEntry">Entries from here (ticks)...</param>
    /// <param name="LastEntry">... to here count: their whole horizon is inside the window.</param>
    private sealed record CohortScan(EventTimeline Events, List<string> Names, Dictionary<string, int> PathOrder,
        Dictionary<string, CohortSide> Sides, string? ChurnedStage, IReadOnlyList<CohortDefinition> Definitions, ulong[] KindMasks,
        int[][] DecisionMakers, TimeSpan Horizon, long FirstEntry, long LastEntry)
    {
        /// <summary>Four counts per stage and definition: in the cohort, of them with the outcome, the others, of them with the outcome.</summary>
        public int Slot(int stage, int definition, bool inCohort) => ((stage * Definitions.Count) + definition) * 4 + (inCohort ? 0 : 2);

        public int SlotCount => Names.Count * Definitions.Count * 4;
    }

    /// <summary>The counts of every stage and definition over all the customers compared, customers in parallel.</summary>
    private static long[] CountAll(CohortScan scan, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines, IReadOnlySet<string>? customers)
    {
        var events = scan.Events;
        var totals = new long[scan.SlotCount];
        Parallel.ForEach(Partitioner.Create(0, Math.Max(1, events.CustomerCount), 1024), () => new long[scan.SlotCount],
            (range, _, counts) =>
            {
                var entered = new HashSet<string>(StringComparer.Ordinal);
                for (int c = range.Item1; c < Math.Min(range.Item2, events.CustomerCount); c++)
                {
                    var id = events.Dataset.Customers[c].CustomerId;
                    if ((customers is null || customers.Contains(id)) && timelines.TryGetValue(id, out var stays))
                    {
                        CountCustomer(scan, c, stays, entered, counts);
                    }
                }
                return counts;
            },
            counts =>
            {
                lock (totals)
                {
                    for (int i = 0; i < totals.Length; i++)
                    {
                        totals[i] += counts[i];
                    }
                }
            });
        return totals;
    }

    /// <summary>Customer c's entries in the window, a customer counting once per stage (their first entry in the window).</summary>
    private static void CountCustomer(CohortScan scan, int c, IReadOnlyList<StageStay> stays, HashSet<string> entered, long[] counts)
    {
        entered.Clear();
        for (int i = 0; i < stays.Count; i++)
        {
            var stay = stays[i];
            long entry = stay.EnteredAt.Ticks;
            if (entry < scan.FirstEntry || entry > scan.LastEntry || !entered.Add(stay.Stage) || !scan.Sides.TryGetValue(stay.Stage, out var side))
            {
                continue;
            }
            var outcomeAt = OutcomeAt(stays, i, side, scan.ChurnedStage, scan.PathOrder);
            int stage = scan.Names.IndexOf(stay.Stage);
            for (int d = 0; d < scan.Definitions.Count; d++)
            {
                if (scan.Definitions[d].Side == side)
                {
                    CountEntry(scan, c, stay, stage, d, outcomeAt, counts);
                }
            }
        }
    }

    /// <summary>One entry against one definition: in the cohort or not, and whether the outcome followed within the horizon.</summary>
    private static void CountEntry(CohortScan scan, int c, StageStay stay, int stage, int d, DateTime? outcomeAt, long[] counts)
    {
        var definition = scan.Definitions[d];
        var side = definition.Side;
        long entry = stay.EnteredAt.Ticks;
        long behaviourEnd = stay.EnteredAt.AddDays(definition.Days).Ticks;
        if (side == CohortSide.Customers && outcomeAt is { } churned && churned.Ticks <= behaviourEnd)
        {
            return; // churned before the behaviour could show
        }
        if (side == CohortSide.Leads && stay.LeftAt is { } left && left.Ticks < behaviourEnd)
        {
            // What a lead did there, not after moving on (a meeting booked as an SQL says nothing of the MQL stage).
            behaviourEnd = left.Ticks;
        }
        int count = definition.DecisionMaker
            ? DecisionMakerEvents(scan.Events, scan.DecisionMakers, c, scan.KindMasks[d], entry, behaviourEnd)
            : Count(scan.Events, c, scan.KindMasks[d], entry, behaviourEnd, stopAt: definition.AtMost is { } most ? most + 1 : definition.AtLeast);
        bool inCohort = count >= definition.AtLeast && (definition.AtMost is not { } max || count <= max);
        bool outcome = outcomeAt is { } at && at <= stay.EnteredAt + scan.Horizon;
        int slot = scan.Slot(stage, d, inCohort);
        counts[slot]++;
        counts[slot + 1] += outcome ? 1 : 0;
    }

    /// <summary>Each stage's cohorts against the rest, where both groups are large enough to read.</summary>
    private static List<CohortComparison> Compare(CohortScan scan, long[] totals, StageModel model, int horizonDays)
    {
        var (names, definitions) = (scan.Names, scan.Definitions);
        var result = new List<CohortComparison>();
        for (int s = 0; s < names.Count; s++)
        {
            if (!scan.Sides.TryGetValue(names[s], out var side))
            {
                continue;
            }
            string? next = side == CohortSide.Leads && scan.PathOrder[names[s]] + 1 < model.Path.Count ? model.Path[scan.PathOrder[names[s]] + 1].Name : null;
            for (int d = 0; d < definitions.Count; d++)
            {
                int at = scan.Slot(s, d, inCohort: true);
                int n = (int)totals[at], other = (int)totals[at + 2];
                if (definitions[d].Side != side || n < JourneyInsights.MinimumCustomers || other < JourneyInsights.MinimumCustomers)
                {
                    continue;
                }
                result.Add(new CohortComparison(names[s], definitions[d].Name, definitions[d].Words, side == CohortSide.Customers ? "churn" : "move on",
                    next, definitions[d].Days, horizonDays, n, (int)totals[at + 1], other, (int)totals[at + 3]));
            }
        }
        return result;
    }

    private static void Check(IReadOnlyList<CohortDefinition> definitions, int horizonDays)
    {
        if (horizonDays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(horizonDays), "the horizon must be at least one day");
        }
        foreach (var d in definitions)
        {
            if (d.Days < 1 || d.Days > horizonDays)
            {
                throw new InvalidInputException($"cohort '{d.Name}': its first days ({d.Days}) must be between 1 and the horizon ({horizonDays} days)");
            }
            if (d.Events.Count == 0)
            {
                throw new InvalidInputException($"cohort '{d.Name}': name the event types it counts");
            }
            if (d.AtLeast < 0 || d.AtMost < d.AtLeast)
            {
                throw new InvalidInputException($"cohort '{d.Name}': at least {d.AtLeast} and at most {d.AtMost} events is no range");
            }
        }
    }

    /// <summary>
    /// Which side each stage is on. Customers: path stages from the customer stage (the first whose rule needs status
    /// customer) on, and off-path stages every rule of which needs a customer (status customer, or a churn risk) — not
    /// the churned stage itself. Leads: path stages before the customer stage. Others (dormant leads and customers alike) have no cohorts.
    /// </summary>
    private static Dictionary<string, CohortSide> Sides(StageModel model, out string? churnedStage)
    {
        static bool StatusIs(StageCondition c, string status) =>
            c.Signal == "status" && c.Op == "==" && string.Equals(c.Value.GetString(), status, StringComparison.OrdinalIgnoreCase);
        churnedStage = model.OffPath.FirstOrDefault(s => s.When.Count > 0 && s.When.All(r => r.Any(c => StatusIs(c, CustomerStatus.Churned.Name()))))?.Name;
        int customerAt = model.Path.ToList().FindIndex(s => s.When.Any(r => r.Any(c => StatusIs(c, CustomerStatus.Customer.Name()))));
        var sides = new Dictionary<string, CohortSide>(StringComparer.Ordinal);
        for (int i = 0; i < model.Path.Count; i++)
        {
            if (customerAt < 0 || i < customerAt)
            {
                if (i + 1 < model.Path.Count)
                {
                    sides[model.Path[i].Name] = CohortSide.Leads;
                }
            }
            else if (churnedStage is not null)
            {
                sides[model.Path[i].Name] = CohortSide.Customers;
            }
        }
        foreach (var stage in model.OffPath)
        {
            if (churnedStage is not null && stage.Name != churnedStage && stage.When.Count > 0
                && stage.When.All(r => r.Any(c => StatusIs(c, CustomerStatus.Customer.Name()) || c.Signal == "churn_risk")))
            {
                sides[stage.Name] = CohortSide.Customers;
            }
        }
        return sides;
    }

    /// <summary>When the stay at <paramref name="i"/> led to the outcome: the churned stage, or (leads) a later path stage; null if never.</summary>
    private static DateTime? OutcomeAt(IReadOnlyList<StageStay> stays, int i, CohortSide side, string? churnedStage, Dictionary<string, int> pathOrder)
    {
        int position = pathOrder.TryGetValue(stays[i].Stage, out int p) ? p : -1;
        for (int j = i + 1; j < stays.Count; j++)
        {
            bool reached = side == CohortSide.Customers
                ? stays[j].Stage == churnedStage
                : pathOrder.TryGetValue(stays[j].Stage, out int q) && q > position;
            if (reached)
            {
                return stays[j].EnteredAt;
            }
        }
        return null;
    }

    /// <summary>Customer c's events of the given types in [start, end), counted up to <paramref name="stopAt"/> (enough to decide).</summary>
    private static int Count(EventTimeline events, int c, ulong kinds, long start, long end, int stopAt)
    {
        int count = 0;
        var ticks = events.Ticks;
        var kind = events.Kinds;
        int last = events.Offsets[c + 1];
        for (int i = events.FirstAtOrAfter(c, start); i < last && ticks[i] < end && count < Math.Max(stopAt, 1); i++)
        {
            count += (kinds >> (int)kind[i] & 1) != 0 ? 1 : 0;
        }
        return count;
    }

    /// <summary>Events of the given types in [start, end) by the decision-makers of c's account (c alone when c has no account).</summary>
    private static int DecisionMakerEvents(EventTimeline events, int[][] decisionMakers, int c, ulong kinds, long start, long end)
    {
        var customers = events.Dataset.Customers;
        int account = customers.AccountIndex[c];
        IEnumerable<int> people = account >= 0 ? decisionMakers[account] : customers[c].IsDecisionMaker ? [c] : [];
        int count = 0;
        foreach (int person in people)
        {
            count += Count(events, person, kinds, start, end, stopAt: 1);
        }
        return count;
    }

    private static int[][] DecisionMakers(CustomerTable customers)
    {
        var lists = new List<int>[customers.AccountIds.Count];
        for (int c = 0; c < customers.Count; c++)
        {
            int a = customers.AccountIndex[c];
            if (a >= 0 && customers[c].IsDecisionMaker)
            {
                (lists[a] ??= []).Add(c);
            }
        }
        return [.. lists.Select(l => l?.ToArray() ?? [])];
    }
}
