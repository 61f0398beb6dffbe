using JourneyML.Core.Data;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>
/// An action or channel seen in a stage: how many customers met it there, and how its share differs between stays that
/// moved forward and stays that did not (dropped off, went back or stalled). Counts are given so small numbers read as small.
/// </summary>
public sealed record Touchpoint(string Stage, string Kind, string Name, int Customers, int AdvancingStays, int AdvancingWith,
    int OtherStays, int OtherWith, double? Lift);

/// <summary>Touchpoints per stage from the events and the stage timelines.</summary>
public static class Touchpoints
{
    /// <summary>Events in [from, to) placed in the stay they happened in; actions (event types) and channels counted per stage.</summary>
    public static IReadOnlyList<Touchpoint> Build(Dataset dataset, StageModel model, IReadOnlyDictionary<string, IReadOnlyList<StageStay>> timelines,
        DateTime from, DateTime to, IReadOnlySet<string>? customers = null, int perStage = 8)
    {
        var pathOrder = model.Path.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
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
                    if (batch.Channel[i] is { } channel)
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
            double? lift = advancingStays == 0 || otherStays == 0 || otherWith == 0
                ? null
                : (advancingWith / (double)advancingStays) / (otherWith / (double)otherStays);
            result.Add(new Touchpoint(group.Key.Stage, group.Key.Kind, group.Key.Name, group.Select(x => x.Customer).Distinct().Count(),
                advancingStays, advancingWith, otherStays, otherWith, lift));
        }
        return [.. result.GroupBy(t => (t.Stage, t.Kind))
            .SelectMany(g => g.OrderByDescending(t => t.Customers).ThenBy(t => t.Name, StringComparer.Ordinal).Take(perStage))
            .OrderBy(t => model.Names.ToList().IndexOf(t.Stage)).ThenBy(t => t.Kind, StringComparer.Ordinal).ThenByDescending(t => t.Customers)];
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
}
