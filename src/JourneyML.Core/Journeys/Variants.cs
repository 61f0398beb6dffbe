using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>
/// A path customers really took in the window, loops collapsed (A→B→A→B is A→B, once looped): how many took it, their
/// share of the map's customers, how many of them looped and how often, and the median days from its first stage to its last.
/// </summary>
public sealed record Variant(IReadOnlyList<string> Stages, int Customers, double Share, int CustomersWhoLooped, int Loops, double? MedianDays);

/// <summary>Where customers went on leaving a stage other than forward on the path: the next stage, and the one after that.</summary>
public sealed record DropOff(string Stage, int Moves, IReadOnlyList<NextStage> WentTo, IReadOnlyList<NextStage> ThenWentTo);

/// <summary>A destination and how many went there; <see cref="Variants.StillThere"/> when they had not moved on by the map's end.</summary>
public sealed record NextStage(string Stage, int Moves, double Share);

/// <summary>The variants of the map (most taken first), how many there are, and where those who dropped off went.</summary>
public sealed record VariantSummary(int Customers, int DistinctVariants, IReadOnlyList<Variant> Top, int OtherCustomers, IReadOnlyList<DropOff> DropOffs)
{
    public static VariantSummary Empty { get; } = new(0, 0, [], 0, []);
}

internal static class Variants
{
    public const int TopCount = 15;
    public const string StillThere = "(still there at the end)";
    /// <summary>The longest repeated block looked for: longer than any stage set's loop in practice, and keeps collapsing linear.</summary>
    public const int MaxLoopLength = 16;

    public static VariantSummary Build(AnalysisWindow window)
    {
        var variants = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var drops = new Dictionary<string, (int Moves, Dictionary<string, int> Next, Dictionary<string, int> Then)>(StringComparer.Ordinal);
        foreach (var (_, stays) in window.Timelines)
        {
            var inWindow = stays.Where(s => AnalysisWindow.Overlaps(s, window.From, window.To)).ToList();
            var collapsed = Collapse(inWindow.Select(s => s.Stage).ToList(), out int loops);
            var key = string.Join(" → ", collapsed);
            if (!variants.TryGetValue(key, out var tally))
            {
                variants[key] = tally = new Tally(collapsed);
            }
            tally.Add(loops, inWindow.Count > 1 && window.KnownStart(inWindow[0]) ? AnalysisWindow.DaysBetween(inWindow[0].EnteredAt, inWindow[^1].EnteredAt) : null);
            CountDropOffs(window, stays, drops);
        }
        int customers = window.Timelines.Count;
        var ranked = variants.Values.OrderByDescending(v => v.Customers).ThenBy(v => string.Join(">", v.Stages), StringComparer.Ordinal).ToList();
        var top = ranked.Take(TopCount).Select(v => v.ToVariant(customers)).ToList();
        var dropOffs = window.Path.Where(drops.ContainsKey).Select(s => new DropOff(s, drops[s].Moves, Ranked(drops[s].Next), Ranked(drops[s].Then))).ToList();
        return new VariantSummary(customers, variants.Count, top, customers - top.Sum(v => v.Customers), dropOffs);
    }

    /// <summary>
    /// A sequence with its immediate repeats removed: whenever the last 2k stages are one block of k twice (A B A B, or
    /// B C B C), the second block goes and counts one loop. A return that does not repeat (A B A) stays, since it ends
    /// somewhere else. Checked after every stage for blocks up to <see cref="MaxLoopLength"/> stages, so it is linear in the stays.
    /// </summary>
    internal static List<string> Collapse(IReadOnlyList<string> stages, out int loops)
    {
        loops = 0;
        var result = new List<string>(stages.Count);
        foreach (var stage in stages)
        {
            result.Add(stage);
            bool removed = true;
            while (removed)
            {
                removed = false;
                for (int k = 1; k <= MaxLoopLength && 2 * k <= result.Count; k++)
                {
                    if (RepeatsAtEnd(result, k))
                    {
                        result.RemoveRange(result.Count - k, k);
                        loops++;
                        removed = true;
                        break;
                    }
                }
            }
        }
        return result;
    }

    private static bool RepeatsAtEnd(List<string> s, int k)
    {
        int n = s.Count;
        for (int i = 0; i < k; i++)
        {
            if (!string.Equals(s[n - 1 - i], s[n - 1 - k - i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Moves in the window out of a path stage that were not forward on the path: where to, and where after that.</summary>
    private static void CountDropOffs(AnalysisWindow window, IReadOnlyList<StageStay> stays, Dictionary<string, (int Moves, Dictionary<string, int> Next, Dictionary<string, int> Then)> drops)
    {
        for (int k = 0; k + 1 < stays.Count; k++)
        {
            var stay = stays[k];
            int from = window.PathIndex(stay.Stage), to = window.PathIndex(stays[k + 1].Stage);
            if (from < 0 || to > from || stay.LeftAt is not { } left || !window.InWindow(left))
            {
                continue;
            }
            if (!drops.TryGetValue(stay.Stage, out var d))
            {
                drops[stay.Stage] = d = (0, new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            }
            var next = stays[k + 1].Stage;
            var then = k + 2 < stays.Count && stays[k + 2].EnteredAt < window.To ? stays[k + 2].Stage : StillThere;
            d.Next[next] = d.Next.GetValueOrDefault(next) + 1;
            d.Then[then] = d.Then.GetValueOrDefault(then) + 1;
            drops[stay.Stage] = d with { Moves = d.Moves + 1 };
        }
    }

    private static List<NextStage> Ranked(Dictionary<string, int> counts)
    {
        int total = counts.Values.Sum();
        return [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => new NextStage(c.Key, c.Value, (double)c.Value / total))];
    }

    private sealed class Tally(List<string> stages)
    {
        private readonly List<double> _days = [];
        public List<string> Stages { get; } = stages;
        public int Customers { get; private set; }
        private int _looped;
        private int _loops;

        public void Add(int loops, double? days)
        {
            Customers++;
            _looped += loops > 0 ? 1 : 0;
            _loops += loops;
            if (days is { } d)
            {
                _days.Add(d);
            }
        }

        public Variant ToVariant(int customers)
        {
            _days.Sort();
            return new Variant(Stages, Customers, (double)Customers / customers, _looped, _loops, Days.Quantile(_days, 0.5)?.Days);
        }
    }
}
