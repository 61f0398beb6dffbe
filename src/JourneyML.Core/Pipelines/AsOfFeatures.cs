using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Pipelines;

/// <summary>
/// The feature tables a training run needs at dates other than its own (the backtest's T-H and the survival model's
/// as-of dates), built together in one pass over the events (<see cref="BehaviourFeatures.BuildAt"/>). Each of those
/// steps used to read the whole export again, once per date: on 100,000 customers and 13.5 million events, seven reads
/// that differed only in where the counters' windows fall. A date nobody asked for up front is built on its own when asked.
/// </summary>
internal sealed class AsOfFeatures
{
    private readonly Dataset? _dataset;
    private readonly Dictionary<Key, (FeatureTable Table, FeatureBuildSummary Summary)> _built;

    private AsOfFeatures(Dataset? dataset, Dictionary<Key, (FeatureTable, FeatureBuildSummary)> built)
    {
        _dataset = dataset;
        _built = built;
    }

    /// <summary>None built: every request builds its own (a ready table, or a step run on its own).</summary>
    public static AsOfFeatures None { get; } = new(null, []);

    /// <summary>How many tables the one pass built.</summary>
    public int Count => _built.Count;

    /// <summary>Builds the tables of <paramref name="wanted"/> (duplicates once) in one pass over the dataset's events.</summary>
    public static AsOfFeatures Build(Dataset? dataset, IEnumerable<FeatureOptions> wanted, CancellationToken cancellationToken)
    {
        var distinct = wanted.DistinctBy(Key.Of).ToList();
        if (dataset is null || distinct.Count == 0)
        {
            return None;
        }
        return Of(dataset, distinct, BehaviourFeatures.BuildAt(dataset, distinct, cancellationToken: cancellationToken));
    }

    /// <summary>The same tables from events already read and grouped (a first run's stage suggestion reads them): no read of the export.</summary>
    public static AsOfFeatures Build(EventTimeline timeline, IEnumerable<FeatureOptions> wanted, CancellationToken cancellationToken)
    {
        var distinct = wanted.DistinctBy(Key.Of).ToList();
        return distinct.Count == 0 ? None
            : Of(timeline.Dataset, distinct, BehaviourFeatures.BuildAt(timeline, distinct, cancellationToken));
    }

    private static AsOfFeatures Of(Dataset dataset, List<FeatureOptions> distinct, IReadOnlyList<(FeatureTable, FeatureBuildSummary)> built) =>
        new(dataset, distinct.Select((o, k) => (Key.Of(o), built[k])).ToDictionary(p => p.Item1, p => p.Item2));

    /// <summary>The table as of the options' date: the one pass's when it built it, else built now.</summary>
    public (FeatureTable Table, FeatureBuildSummary Summary) Get(Dataset dataset, FeatureOptions options, CancellationToken cancellationToken) =>
        ReferenceEquals(dataset, _dataset) && _built.TryGetValue(Key.Of(options), out var built) ? built
            : BehaviourFeatures.Build(dataset, options, cancellationToken: cancellationToken);

    /// <summary>The tables of several options, in their order; those the pass did not build, built together in one more pass.</summary>
    public IReadOnlyList<(FeatureTable Table, FeatureBuildSummary Summary)> Get(Dataset dataset, IReadOnlyList<FeatureOptions> options, CancellationToken cancellationToken)
    {
        var known = ReferenceEquals(dataset, _dataset) ? _built : [];
        var missing = options.Where(o => !known.ContainsKey(Key.Of(o))).ToList();
        var more = Build(dataset, missing, cancellationToken);
        return [.. options.Select(o => known.TryGetValue(Key.Of(o), out var built) ? built : more._built[Key.Of(o)])];
    }

    /// <summary>What makes two requests the same table: the date, the horizon (the labels) and the plan (the columns).</summary>
    private readonly record struct Key(DateTime AsOf, int HorizonDays, FeaturePlan? Plan)
    {
        public static Key Of(FeatureOptions options) => new(UtcTime.RequireUtc(options.AsOf, "the as-of date"), options.HorizonDays, options.Plan);
    }
}
