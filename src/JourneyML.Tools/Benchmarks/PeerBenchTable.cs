using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Segmentation;

namespace JourneyML.Tools.Benchmarks;

/// <summary>
/// The one file both sides of the peer benchmark read: JourneyML's feature table as CSV (customer id, account,
/// status, every feature, the labels), and beside it, prefixed <c>bench_</c>, what makes the comparison fair: the
/// churn holdout split, the planted segment, the oracle churn probability and the standardised segmentation signals.
/// Both sides train on the same rows, are measured on the same holdout and cluster the same numbers.
/// </summary>
public sealed class PeerBenchTable
{
    public const string Prefix = "bench_";
    public const string SplitColumn = "bench_split";
    public const string SegmentColumn = "bench_segment";
    public const string OracleColumn = "bench_oracle_churn";
    public const string StandardisedPrefix = "bench_z_";
    public const string TrainSplit = "train";
    public const string HoldoutSplit = "holdout";
    public const string ChurnLabelColumn = FeatureTableFiles.LabelPrefix + LabelNames.Churn;

    /// <summary>The features (no <c>bench_</c> column), with status, accounts and the churn label.</summary>
    public required FeatureTable Table { get; init; }
    /// <summary>Churn population rows the classifiers learn from, in row order.</summary>
    public required int[] TrainRows { get; init; }
    /// <summary>Churn population rows every classifier is measured on: the split the selection sweep makes itself.</summary>
    public required int[] HoldoutRows { get; init; }
    /// <summary>Segment the generator planted, per row; -1 where unknown.</summary>
    public required int[] PlantedSegments { get; init; }
    /// <summary>The true churn probability the generator used, per row; NaN where it does not apply.</summary>
    public required float[] OracleChurn { get; init; }

    public float[] ChurnLabels => Table.Labels[LabelNames.Churn];

    /// <summary>The standardised segmentation signals both k-means runs cluster, one column per signal.</summary>
    public IReadOnlyList<float[]> Standardised { get; init; } = [];

    /// <summary>
    /// Within-segment sum of squares of a labelling on <see cref="Standardised"/> (each segment around its own mean): the
    /// k-means objective, computed the same way for both sides' labels.
    /// </summary>
    public double Inertia(IReadOnlyList<int> labels)
    {
        var groups = Enumerable.Range(0, labels.Count).GroupBy(r => labels[r]).ToList();
        double total = 0;
        foreach (var column in Standardised)
        {
            foreach (var group in groups)
            {
                double mean = group.Average(r => (double)column[r]);
                total += group.Sum(r => ((double)column[r] - mean) * ((double)column[r] - mean));
            }
        }
        return total;
    }

    /// <summary>The number of planted segments: the k both k-means runs are given.</summary>
    public int PlantedK => PlantedSegments.Where(s => s >= 0).Distinct().Count();

    /// <summary>The churn population: customers active at the as-of date with a known label (what <c>train</c> learns churn from).</summary>
    public static int[] ChurnPopulation(FeatureTable table)
    {
        var labels = table.Labels.TryGetValue(LabelNames.Churn, out var l) ? l : throw new ArgumentException("the feature table has no churn label");
        return [.. Enumerable.Range(0, table.RowCount)
            .Where(r => (table.Status is null || table.Status[r] == CustomerStatus.Customer) && !float.IsNaN(labels[r]))];
    }

    /// <summary>Writes the table with the benchmark's columns; returns what was written, as <see cref="Read"/> would give it back.</summary>
    public static PeerBenchTable Write(FeatureTable table, KnownTruthRows truth, string path, int seed = 1)
    {
        var population = ChurnPopulation(table);
        var labels = table.Labels[LabelNames.Churn];
        // The split ClassifierTraining.Train makes for the same rows and seed (whole accounts where customers share them), so
        // the sweep's holdout is this one.
        var (train, holdout) = ClassifierTraining.StratifiedSplit(population, labels, table.CustomerIds, new ClassifierOptions().HoldoutShare, seed, table.AccountIds);
        var split = new string?[table.RowCount];
        foreach (int r in train)
        {
            split[r] = TrainSplit;
        }
        foreach (int r in holdout)
        {
            split[r] = HoldoutSplit;
        }
        var (names, _) = SegmentFeatures.Choose(table);
        var scales = SegmentFeatures.Fit(table, names, ReferenceEquals(names, SegmentFeatures.BehaviourSet));
        var standardised = scales.Select(scale =>
        {
            var raw = scale.Values(table);
            var z = new float[raw.Length];
            for (int r = 0; r < raw.Length; r++)
            {
                z[r] = scale.Standardise(raw[r]);
            }
            return FeatureColumn.Numeric(StandardisedPrefix + scale.Name, $"'{scale.Name}' as the segmentation standardises it", z);
        });
        var columns = table.Columns
            .Append(FeatureColumn.Categorical(SplitColumn, "churn train or holdout row", split))
            .Append(FeatureColumn.Numeric(SegmentColumn, "planted segment", [.. truth.Segment.Select(s => (float)s)]))
            .Append(FeatureColumn.Numeric(OracleColumn, "true churn probability", truth.ChurnProbability))
            .Concat(standardised)
            .ToList();
        var written = new FeatureTable(table.CustomerIds, columns)
        {
            AccountIds = table.AccountIds,
            Status = table.Status,
            Labels = new Dictionary<string, float[]> { [LabelNames.Churn] = labels },
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
        FeatureTableFiles.Write(written, path);
        return Split(written);
    }

    /// <summary>Reads a file written by <see cref="Write"/>, as the JourneyML side of each measured task does.</summary>
    public static PeerBenchTable Read(string path)
    {
        var table = FeatureTableFiles.Read(path, new ValidationReport(), labelColumn: ChurnLabelColumn, labelName: LabelNames.Churn);
        if (table.Find(SplitColumn) is null || table.Find(SegmentColumn) is not { Kind: FeatureKind.Numeric })
        {
            throw new DataFileException(path, $"it is not a peer benchmark table (no {SplitColumn} and {SegmentColumn} columns)");
        }
        return Split(table);
    }

    private static PeerBenchTable Split(FeatureTable table)
    {
        var split = table[SplitColumn];
        // A split column that is all blank reads back as numeric (NaN): no churn rows at all.
        var splitValues = split is CategoricalColumn categorical ? categorical.Values : new string?[table.RowCount];
        var features = new FeatureTable(table.CustomerIds, [.. table.Columns.Where(c => !c.Name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))])
        {
            AccountIds = table.AccountIds,
            Status = table.Status,
            Labels = table.Labels,
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
        return new PeerBenchTable
        {
            Table = features,
            TrainRows = [.. Enumerable.Range(0, table.RowCount).Where(r => splitValues[r] == TrainSplit)],
            HoldoutRows = [.. Enumerable.Range(0, table.RowCount).Where(r => splitValues[r] == HoldoutSplit)],
            PlantedSegments = [.. table.Numbers(SegmentColumn).Select(s => float.IsNaN(s) ? -1 : (int)s)],
            OracleChurn = table.Numbers(OracleColumn),
            Standardised = [.. table.Columns.Where(c => c.Name.StartsWith(StandardisedPrefix, StringComparison.Ordinal)).Select(c => table.Numbers(c.Name))],
        };
    }

    /// <summary>
    /// The table's rows repeated in order up to <paramref name="rows"/> (the first copy keeps its ids, later copies get
    /// <c>~2</c>, <c>~3</c>... on their customer and account ids), with the planted truth repeated alike: the peer rows'
    /// k-means and classifiers at a size whose events export would take hours to generate.
    /// </summary>
    public static (FeatureTable Table, KnownTruthRows Truth) Tile(FeatureTable table, KnownTruthRows truth, int rows)
    {
        if (table.RowCount == 0 || rows < table.RowCount)
        {
            throw new ArgumentException($"cannot repeat {table.RowCount:N0} rows up to {rows:N0}");
        }
        int n = table.RowCount;
        int[] order = [.. Enumerable.Range(0, rows).Select(r => r % n)];
        string Copy(string id, int r) => r < n ? id : $"{id}~{r / n + 1}";
        T[] Repeat<T>(T[] values) => [.. order.Select(r => values[r])];
        var tiled = new FeatureTable([.. order.Select((r, i) => Copy(table.CustomerIds[r], i))], [.. table.Columns.Select(c => c.Rows(order))])
        {
            AccountIds = table.AccountIds is { } accounts ? [.. order.Select((r, i) => accounts[r] is { } a ? Copy(a, i) : null)] : null,
            Status = table.Status is { } status ? Repeat(status) : null,
            Labels = table.Labels.ToDictionary(l => l.Key, l => Repeat(l.Value)),
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
        return (tiled, new KnownTruthRows(Repeat(truth.Segment), Repeat(truth.ChurnProbability), Repeat(truth.ConversionProbability)));
    }

    /// <summary>The first <paramref name="count"/> rows (for warming up a measured step on a small slice of the same data).</summary>
    public static FeatureTable Head(FeatureTable table, int count)
    {
        count = Math.Min(count, table.RowCount);
        int[] head = [.. Enumerable.Range(0, count)];
        var columns = table.Columns.Select(c => c.Rows(head)).ToList();
        return new FeatureTable(table.CustomerIds[..count], columns)
        {
            AccountIds = table.AccountIds?[..count],
            Status = table.Status?[..count],
            Labels = table.Labels.ToDictionary(l => l.Key, l => l.Value[..count]),
            AsOf = table.AsOf,
            HorizonDays = table.HorizonDays,
        };
    }
}
