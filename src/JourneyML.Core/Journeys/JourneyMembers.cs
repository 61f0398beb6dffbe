using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>One customer behind a figure of the map, and since when: the day they entered the stage, or made the move.</summary>
public sealed record JourneyMember(string CustomerId, DateTime Since);

/// <summary>
/// The customers behind a journey map's figures: who is in a stage now, who is stuck in it (in it longer than the
/// stage's 90th percentile of time in stage, the map's <see cref="StageMetrics.StuckLongerThanP90"/>), and who made a
/// move between two stages in the window. The same timelines and the same rules as the map, so a list has as many
/// customers as the figure it was opened from.
/// </summary>
public sealed class JourneyMembers(JourneyMap map, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines, IReadOnlySet<string>? customers)
{
    public JourneyMap Map => map;

    /// <summary>The map's customers: those with a stay overlapping the window (and in the map's segment or account).</summary>
    private IEnumerable<(string Id, IReadOnlyList<StageStay> Stays)> Mapped() =>
        timelines.Where(t => (customers is null || customers.Contains(t.Key)) && Overlaps(t.Value, map.From, map.To)).Select(t => (t.Key, t.Value));

    /// <summary>Whether any stay overlaps the window [from, to): the map counts the customer.</summary>
    internal static bool Overlaps(IReadOnlyList<StageStay> stays, DateTime from, DateTime to) =>
        stays.Any(s => s.EnteredAt < to && (s.LeftAt ?? DateTime.MaxValue) > from);

    /// <summary>Still in the stage at the window's end, for longer than the limit (the stage's 90th percentile of days in it).</summary>
    internal static bool IsStuck(IReadOnlyList<StageStay> stays, string stage, DateTime to, double limit) =>
        stays[^1].Stage == stage && stays[^1].LeftAt is null && (to - stays[^1].EnteredAt).TotalDays > limit;

    /// <summary>Whether the stay at <paramref name="i"/> ended in the window with a move to the next one.</summary>
    internal static bool MovedInWindow(IReadOnlyList<StageStay> stays, int i, DateTime from, DateTime to) =>
        i + 1 < stays.Count && stays[i].LeftAt is { } moved && moved >= from && moved < to;

    /// <summary>The customer's stage on a date of the map's timelines (null before their timeline starts, or for a customer the map does not have).</summary>
    public string? StageAt(string customerId, DateTime date) =>
        timelines.TryGetValue(customerId, out var stays) ? InterventionTouchpoints.StageAt(stays, date) : null;

    /// <summary>Customers in the stage now (at the window's end), the longest there first.</summary>
    public IReadOnlyList<JourneyMember> InStage(string stage) =>
        [.. Mapped().Where(t => t.Stays[^1].Stage == stage).Select(t => new JourneyMember(t.Id, t.Stays[^1].EnteredAt)).OrderBy(m => m.Since).ThenBy(m => m.CustomerId, StringComparer.Ordinal)];

    /// <summary>Customers stuck in the stage, the longest there first; empty when the stage has no time in stage in the window.</summary>
    public IReadOnlyList<JourneyMember> Stuck(string stage)
    {
        if (map.Stages.FirstOrDefault(s => s.Stage == stage)?.P90DaysInStage is not { } limit)
        {
            return [];
        }
        return [.. Mapped().Where(t => IsStuck(t.Stays, stage, map.To, limit)).Select(t => new JourneyMember(t.Id, t.Stays[^1].EnteredAt))
            .OrderBy(m => m.Since).ThenBy(m => m.CustomerId, StringComparer.Ordinal)];
    }

    /// <summary>Customers who moved from one stage to the other in the window, the latest move first (a customer who made it twice, once, at the latest).</summary>
    public IReadOnlyList<JourneyMember> TookMove(string from, string to)
    {
        var members = new List<JourneyMember>();
        foreach (var (id, stays) in Mapped())
        {
            DateTime? last = null;
            for (int i = 0; i < stays.Count; i++)
            {
                if (MovedInWindow(stays, i, map.From, map.To) && stays[i].Stage == from && stays[i + 1].Stage == to)
                {
                    last = stays[i].LeftAt;
                }
            }
            if (last is { } at)
            {
                members.Add(new JourneyMember(id, at));
            }
        }
        return [.. members.OrderByDescending(m => m.Since).ThenBy(m => m.CustomerId, StringComparer.Ordinal)];
    }

    /// <summary>How many times the move was made in the window (the map's <see cref="Transition.Customers"/>; one customer may make it more than once).</summary>
    public int MovesMade(string from, string to) =>
        map.Transitions.FirstOrDefault(t => t.From == from && t.To == to)?.Customers ?? 0;
}
