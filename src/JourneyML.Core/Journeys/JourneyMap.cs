using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>What happened in one stage over the map's window.</summary>
public sealed record StageMetrics(
    string Stage,
    bool OnPath,
    int CustomersNow,
    int Entries,
    /// <summary>Moves forward on the path (to the next stage or beyond) out of this stage in the window.</summary>
    int MovedToNext,
    double? ConversionToNext,
    int DroppedOff,
    double? DropOffRate,
    double? MedianDaysInStage,
    double? P90DaysInStage,
    int StuckLongerThanP90,
    int BackwardMovesOut,
    double? TicketsPerCustomer,
    double? AverageChurnRisk,
    double? AverageLeadScore)
{
    /// <summary>Customers who were in the stage at some point of the window; a stage nobody was in is listed, not drawn.</summary>
    public int CustomersInWindow { get; init; }

    /// <summary>
    /// Moves out of this off-path stage back onto the path in the window: from the churned stage these are
    /// reactivations (churned, then a customer again), from At-risk or Dormant recoveries. Never counted as dropping off.
    /// </summary>
    public int BackOnPath { get; init; }

    /// <summary>
    /// The expected time to churn of the stage's paying customers now: where the mean of their survival curves crosses one
    /// half, in days; null when it stays above one half through 180 days (<see cref="ExpectedTimeToChurn"/> says "beyond 180
    /// days") or when the stage has no paying customer with a curve.
    /// </summary>
    public double? MedianDaysToChurn { get; init; }

    /// <summary>The expected time to churn in words ("in about 75 days", "beyond 180 days"); null without survival curves.</summary>
    public string? ExpectedTimeToChurn { get; init; }

    /// <summary>The paying customers whose curves the expected time to churn is the mean of (0 without survival curves): what it stands on.</summary>
    public int CustomersWithTimeToChurn { get; init; }

    /// <summary>The stage's expected share churned within 30 days, from the mean curve; null without survival curves.</summary>
    public double? ChurnWithin30Days { get; init; }

    /// <summary>The stage's expected share churned within 180 days, from the mean curve; null without survival curves.</summary>
    public double? ChurnWithin180Days { get; init; }
}

/// <summary>A customer's signals at the end of the window, for the per-stage friction and score averages.</summary>
public readonly record struct CustomerSignals(float Tickets30d, float ChurnRisk, float LeadScore)
{
    /// <summary>The customer's survival curve at the window's end (paying customers, when the champion has a survival model).</summary>
    public Survival.SurvivalCurve? Survival { get; init; }
}

/// <summary>How many customers moved from one stage to another in the window.</summary>
public sealed record Transition(string From, string To, int Customers, bool Backward)
{
    /// <summary>What kind of move: forward, backward, off-path (leaving the path), back-on-path (an off-path stage back onto the path) or reactivation (churned, then on the path again).</summary>
    public string Kind { get; init; } = MoveKinds.Forward;
}

/// <summary>The kinds of move between stages (<see cref="Transition.Kind"/>).</summary>
public static class MoveKinds
{
    public const string Forward = "forward";
    public const string Backward = "backward";
    public const string OffPath = "off-path";
    /// <summary>Between two off-path stages (At-risk to Churned).</summary>
    public const string BetweenOffPath = "between-off-path";
    public const string BackOnPath = "back-on-path";
    public const string Reactivation = "reactivation";
}

/// <summary>A sequence of stages customers really took, and how many took it.</summary>
public sealed record JourneyPath(IReadOnlyList<string> Stages, int Customers);

/// <summary>A stage as the map used it: its rule in words and why it is there (null when its config gives no why).</summary>
public sealed record StageInUse(string Stage, bool OnPath, string Rule, string? Why)
{
    public static IReadOnlyList<StageInUse> Of(StageModel model) =>
    [
        .. model.Path.Select(s => new StageInUse(s.Name, true, StageModel.Describe(s), s.Why)),
        .. model.OffPath.Select(s => new StageInUse(s.Name, false, StageModel.Describe(s), s.Why)),
    ];
}

/// <summary>The map's headline figures.</summary>
public sealed record JourneyKpis(int Customers, double? ChurnRate, double? DormantShare, double? MedianDaysFirstStageToCustomer, IReadOnlyDictionary<string, double> StageConversion);

/// <summary>
/// A journey map over a window: stages as columns with who is in each, who entered, who moved on, dropped off or
/// went back, how long they stayed; the stage-to-stage transitions (for the flow picture) and the most common paths.
/// Built from stage timelines (<see cref="StageHistory"/>); the JSON of this record is the map's API shape.
/// </summary>
public sealed record JourneyMap(
    DateTime From,
    DateTime To,
    string? Segment,
    IReadOnlyList<StageMetrics> Stages,
    IReadOnlyList<Transition> Transitions,
    IReadOnlyList<JourneyPath> TopPaths,
    JourneyKpis Kpis)
{
    /// <summary>Actions and channels per stage, with their lift for moving forward (set by the caller that has the events).</summary>
    public IReadOnlyList<Touchpoint> Touchpoints { get; init; } = [];

    /// <summary>Each intervention kind as a touchpoint with its measured effect per stage (set by the caller that has the champion's intervention effects).</summary>
    public IReadOnlyList<InterventionTouchpoint> Interventions { get; init; } = [];

    /// <summary>Cohorts of those who entered a stage, by what they did in their first days there, against the rest (set by the caller that has the events).</summary>
    public IReadOnlyList<CohortComparison> Cohorts { get; init; } = [];

    /// <summary>The directly-follows graph of the milestone events in the window (set by the caller that has the events).</summary>
    public MilestoneGraph? Milestones { get; init; }

    /// <summary>Findings in words, ranked by how many customers they concern (see <see cref="JourneyInsights"/>).</summary>
    public IReadOnlyList<Insight> Insights { get; init; } = [];

    /// <summary>What changed since the map written before this one to the same folder (see <see cref="JourneyChanges"/>).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>The stages the map was built with: each with its rule and why it is there (<see cref="StageDefinition.Why"/>).</summary>
    public IReadOnlyList<StageInUse> StageRules { get; init; } = [];

    /// <summary>Where the stages came from ("stages: suggested for a B2C subscription (no stages.json): ...") and the rules the data could not evaluate.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The window end of the map this one was compared with, when there was one.</summary>
    public DateTime? ComparedWith { get; init; }

    /// <summary>Funnels with conversion windows, per stage, segment and month of entry (see <see cref="JourneyAnalysis"/>).</summary>
    public ConversionFunnel Funnel { get; init; } = ConversionFunnel.Empty;

    /// <summary>Time in stage as distributions, stays still running at the end counted apart.</summary>
    public IReadOnlyList<StageDuration> TimeInStage { get; init; } = [];

    /// <summary>The paths really taken, loops collapsed, and where those who dropped off went.</summary>
    public VariantSummary Variants { get; init; } = VariantSummary.Empty;

    /// <summary>The slowest moves, where time piles up, and rework.</summary>
    public BottleneckSummary Bottlenecks { get; init; } = BottleneckSummary.Empty;

    /// <summary>The designed journey held against what customers did.</summary>
    public ConformanceResult Conformance { get; init; } = ConformanceResult.Empty;

    private static double? Mean(IEnumerable<float> values)
    {
        var present = values.Where(v => !float.IsNaN(v)).ToList();
        return present.Count == 0 ? null : present.Average(v => (double)v);
    }

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, JourneyJson.Default.JourneyMap);

    /// <summary>
    /// Writes journey-map.json, .md and .html (self-contained) into a folder, each replaced atomically, and keeps a dated
    /// copy of the JSON (journey-map-yyyyMMdd.json) so earlier maps stay. Returns the map with what changed since the
    /// previous one written there.
    /// </summary>
    public JourneyMap Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var map = JourneyChanges.Previous(directory) is { } previous
            ? this with { Changes = JourneyChanges.Between(previous, this), ComparedWith = previous.To }
            : this;
        map.WriteFiles(directory);
        return map;
    }

    private void WriteFiles(string directory)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, $"journey-map-{To:yyyyMMdd}.json"), ToJson());
        AtomicFile.WriteAllText(Path.Combine(directory, JourneyMapFolders.HtmlFile), JourneyMapHtml.Render(this));
        AtomicFile.WriteAllText(Path.Combine(directory, JourneyMapFolders.JsonFile), ToJson());
        AtomicFile.WriteAllText(Path.Combine(directory, JourneyMapFolders.MarkdownFile), JourneyMapMarkdown.Render(this));
    }

    /// <param name="timelines">Stage stays per customer (from <see cref="StageHistory.Build"/>).</param>
    /// <param name="customers">The customers to map (a segment, an account); null for everyone.</param>
    public static JourneyMap Build(StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines, DateTime from, DateTime to,
        IReadOnlySet<string>? customers = null, string? segment = null, int topPaths = 10,
        IReadOnlyDictionary<string, CustomerSignals>? current = null)
    {
        var pathOrder = model.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var tally = new WindowTally(model.Names.ToList(), pathOrder, CustomerStage(model), ChurnedStage(model), from, to);
        foreach (var (id, stays) in timelines)
        {
            if (customers is null || customers.Contains(id))
            {
                tally.Add(stays);
            }
        }
        var mappedTimelines = timelines.Where(t => customers is null || customers.Contains(t.Key)).ToList();
        var metrics = tally.Names.Select(name => MetricsOf(name, model, tally, mappedTimelines, to, current)).ToList();
        return new JourneyMap(from, to, segment, metrics, tally.RankedTransitions(), tally.TopPaths(topPaths), HeadlineFigures(model, tally, metrics))
        {
            StageRules = StageInUse.Of(model),
            Notes = ["stages: " + model.Source, .. model.Notes()],
        };
    }

    /// <summary>The off-path stage every rule of which asks for status churned (null when there is none).</summary>
    internal static string? ChurnedStage(StageModel model) =>
        model.OffPath.FirstOrDefault(s => s.When.Count > 0 && s.When.All(r => r.Any(c => c.Signal == "status" && c.Op == "=="
            && string.Equals(c.Value.ToString(), CustomerStatus.Churned.Name(), StringComparison.OrdinalIgnoreCase))))?.Name;

    /// <summary>The path stage whose rule asks for status customer (the last path stage when none does).</summary>
    private static string CustomerStage(StageModel model) =>
        model.Path.FirstOrDefault(s => s.When.Any(r => r.Any(c => c.Signal == "status" && c.Value.ToString() == "customer")))?.Name
            ?? model.Path[^1].Name;

    /// <summary>One stage's column: who is in it, who entered, moved on, dropped off or went back, how long they stay, their signals.</summary>
    private static StageMetrics MetricsOf(string name, StageModel model, WindowTally tally,
        List<KeyValuePair<string, IReadOnlyList<StageStay>>> timelines, DateTime to, IReadOnlyDictionary<string, CustomerSignals>? current)
    {
        var d = tally.Durations[name];
        d.Sort();
        // No time in stage for a stage nobody entered in the window: its stays say nothing of the window.
        bool timed = d.Count > 0 && tally.Entries[name] > 0;
        double? median = timed ? d[d.Count / 2] : null;
        double? p90 = timed ? d[Math.Min(d.Count - 1, (int)(d.Count * 0.9))] : null;
        int stuck = p90 is { } limit
            ? timelines.Count(t => JourneyMembers.IsStuck(t.Value, name, to, limit))
            : 0;
        int movedNext = tally.MovedNext[name], dropped = tally.Dropped[name], backwardOut = tally.BackwardOut[name];
        int backOnPath = tally.BackOnPath[name];
        int left = movedNext + dropped + backwardOut + backOnPath + tally.BetweenOffPath[name];
        bool onPath = tally.PathOrder.TryGetValue(name, out int position);
        bool hasNext = onPath && position + 1 < model.Path.Count;
        var inStage = current is null ? [] : timelines
            .Where(t => t.Value[^1].Stage == name && current.ContainsKey(t.Key))
            .Select(t => current[t.Key]).ToList();
        var mean = MeanCurve(inStage);
        // Dropping off is leaving the path: only a path stage can; an off-path stage's customers come back or move between off-path stages.
        return new StageMetrics(name, onPath, tally.Now[name], tally.Entries[name], movedNext,
            left == 0 || !hasNext ? null : (double)movedNext / left, dropped,
            left == 0 || !onPath ? null : (double)dropped / left, median, p90, stuck, backwardOut,
            Mean(inStage.Select(c => c.Tickets30d)), Mean(inStage.Select(c => c.ChurnRisk)), Mean(inStage.Select(c => c.LeadScore)))
        {
            CustomersInWindow = tally.InWindow[name],
            BackOnPath = backOnPath,
            MedianDaysToChurn = mean?.MedianDays,
            ExpectedTimeToChurn = mean?.MedianText,
            CustomersWithTimeToChurn = inStage.Count(c => c.Survival is not null),
            ChurnWithin30Days = mean?.ChurnWithin(30),
            ChurnWithin180Days = mean?.ChurnWithin(180),
        };
    }

    /// <summary>The mean survival curve of the customers with one: the stage's expected share still paying at each day.</summary>
    private static Survival.SurvivalCurve? MeanCurve(List<CustomerSignals> customers)
    {
        var curves = customers.Select(c => c.Survival).OfType<Survival.SurvivalCurve>().ToList();
        return curves.Count == 0 ? null
            : new Survival.SurvivalCurve([.. Enumerable.Range(0, curves[0].Survival.Length).Select(p => curves.Average(c => c.Survival[p]))]);
    }

    private static JourneyKpis HeadlineFigures(StageModel model, WindowTally tally, List<StageMetrics> metrics)
    {
        var conversion = new Dictionary<string, double>(StringComparer.Ordinal);
        // A step is named after the next path stage someone was in: a stage nobody was in is not a step of this business.
        var inWindow = metrics.Where(m => m.OnPath && m.CustomersInWindow > 0).Select(m => m.Stage).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i + 1 < model.Path.Count; i++)
        {
            var next = model.Path.Skip(i + 1).FirstOrDefault(s => inWindow.Contains(s.Name)) ?? model.Path[i + 1];
            if (metrics.First(m => m.Stage == model.Path[i].Name).ConversionToNext is { } rate)
            {
                conversion[$"{model.Path[i].Name} → {next.Name}"] = rate;
            }
        }
        var toCustomer = tally.DaysToCustomer;
        toCustomer.Sort();
        int mapped = tally.Mapped;
        return new JourneyKpis(mapped,
            mapped == 0 ? null : (double)tally.Churned / mapped,
            mapped == 0 ? null : (double)tally.Dormant / mapped,
            toCustomer.Count == 0 ? null : toCustomer[toCustomer.Count / 2],
            conversion);
    }

    /// <summary>The counts a map is made of, gathered customer by customer over the window [from, to).</summary>
    private sealed class WindowTally(List<string> names, Dictionary<string, int> pathOrder, string customerStage, string? churnedStage, DateTime from, DateTime to)
    {
        public List<string> Names { get; } = names;
        public Dictionary<string, int> PathOrder { get; } = pathOrder;
        public Dictionary<string, int> Now { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        public Dictionary<string, int> Entries { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        public Dictionary<string, int> MovedNext { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        public Dictionary<string, int> Dropped { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        public Dictionary<string, int> BackwardOut { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        public Dictionary<string, int> BackOnPath { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        public Dictionary<string, int> BetweenOffPath { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        /// <summary>Customers with a stay in the stage that overlaps the window.</summary>
        public Dictionary<string, int> InWindow { get; } = names.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        /// <summary>Days of every stay that ended in the window, per stage.</summary>
        public Dictionary<string, List<double>> Durations { get; } = names.ToDictionary(n => n, _ => new List<double>(), StringComparer.Ordinal);
        private readonly Dictionary<(string, string), int> _transitions = [];
        private readonly Dictionary<string, (List<string> Stages, int Count)> _paths = new(StringComparer.Ordinal);
        /// <summary>Days from the first path stage to becoming a customer, for those who became one in the window.</summary>
        public List<double> DaysToCustomer { get; } = [];
        public int Mapped { get; private set; }
        public int Churned { get; private set; }
        public int Dormant { get; private set; }

        /// <summary>One customer's stays: counted when any of them overlaps the window.</summary>
        public void Add(IReadOnlyList<StageStay> stays)
        {
            var inWindow = stays.Where(s => s.EnteredAt < to && (s.LeftAt ?? DateTime.MaxValue) > from).ToList();
            if (inWindow.Count == 0)
            {
                return;
            }
            Mapped++;
            var last = stays[^1];
            Now[last.Stage]++;
            Churned += last.Stage == (churnedStage ?? "Churned") ? 1 : 0;
            Dormant += last.Stage == "Dormant" ? 1 : 0;
            for (int i = 0; i < stays.Count; i++)
            {
                CountStay(stays, i);
            }
            foreach (var stage in inWindow.Select(s => s.Stage).Distinct(StringComparer.Ordinal))
            {
                InWindow[stage]++;
            }
            CountPath(inWindow);
            CountDaysToCustomer(stays);
        }

        private void CountStay(IReadOnlyList<StageStay> stays, int i)
        {
            var stay = stays[i];
            if (stay.EnteredAt >= from && stay.EnteredAt < to)
            {
                Entries[stay.Stage]++;
            }
            if (stay.LeftAt is { } left && left >= from && left < to)
            {
                Durations[stay.Stage].Add((left - stay.EnteredAt).TotalDays);
            }
            if (JourneyMembers.MovedInWindow(stays, i, from, to))
            {
                CountMove(stay.Stage, stays[i + 1].Stage);
            }
        }

        /// <summary>A move in the window: forward on the path (also when a stage is skipped), backward, off the path, or back onto it.</summary>
        private void CountMove(string stage, string next)
        {
            _transitions[(stage, next)] = _transitions.GetValueOrDefault((stage, next)) + 1;
            switch (KindOf(stage, next))
            {
                case MoveKinds.Forward:
                    MovedNext[stage]++; // also when a stage is skipped
                    break;
                case MoveKinds.Backward:
                    BackwardOut[stage]++;
                    break;
                case MoveKinds.OffPath:
                    Dropped[stage]++; // at risk, dormant, churned
                    break;
                case MoveKinds.BetweenOffPath:
                    BetweenOffPath[stage]++;
                    break;
                default:
                    BackOnPath[stage]++; // a recovery, or a reactivation from the churned stage
                    break;
            }
        }

        public string KindOf(string stage, string next)
        {
            bool fromPath = PathOrder.TryGetValue(stage, out int a), toPath = PathOrder.TryGetValue(next, out int b);
            return (fromPath, toPath) switch
            {
                (true, true) => b > a ? MoveKinds.Forward : MoveKinds.Backward,
                (true, false) => MoveKinds.OffPath,
                (false, false) => MoveKinds.BetweenOffPath,
                _ => stage == churnedStage ? MoveKinds.Reactivation : MoveKinds.BackOnPath,
            };
        }

        private void CountPath(List<StageStay> inWindow)
        {
            var path = inWindow.Select(s => s.Stage).ToList();
            var key = string.Join(" → ", path);
            _paths[key] = _paths.TryGetValue(key, out var p) ? (p.Stages, p.Count + 1) : (path, 1);
        }

        private void CountDaysToCustomer(IReadOnlyList<StageStay> stays)
        {
            var firstOnPath = stays.FirstOrDefault(s => PathOrder.ContainsKey(s.Stage));
            var becameCustomer = stays.FirstOrDefault(s => s.Stage == customerStage);
            if (firstOnPath is not null && becameCustomer is not null && becameCustomer.EnteredAt > firstOnPath.EnteredAt
                && becameCustomer.EnteredAt >= from && becameCustomer.EnteredAt < to)
            {
                DaysToCustomer.Add((becameCustomer.EnteredAt - firstOnPath.EnteredAt).TotalDays);
            }
        }

        /// <summary>Transitions, the most taken first (then by stage names, so the order is stable).</summary>
        public List<Transition> RankedTransitions() =>
            [.. _transitions.Select(t => new Transition(t.Key.Item1, t.Key.Item2, t.Value, KindOf(t.Key.Item1, t.Key.Item2) == MoveKinds.Backward)
                { Kind = KindOf(t.Key.Item1, t.Key.Item2) })
                .OrderByDescending(t => t.Customers).ThenBy(t => t.From, StringComparer.Ordinal).ThenBy(t => t.To, StringComparer.Ordinal)];

        public List<JourneyPath> TopPaths(int count) =>
            [.. _paths.Values.OrderByDescending(p => p.Count).ThenBy(p => string.Join(">", p.Stages), StringComparer.Ordinal).Take(count)
                .Select(p => new JourneyPath(p.Stages, p.Count))];
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JourneyMap))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class JourneyJson : System.Text.Json.Serialization.JsonSerializerContext;
