using JourneyML.Core.Features;
using JourneyML.Core.Prediction;

namespace JourneyML.Core.Survival;

/// <summary>
/// The survival model of a version: a classifier of "churns in this 30-day period, having paid at its start" over a
/// customer's point-in-time features and the period, whose per-period hazards multiply into the survival curve.
/// Thread-safe for scoring as <see cref="BinaryModel"/> is.
/// </summary>
public sealed class HazardModel
{
    /// <summary>The model's file name in a version folder (survival.zip + survival.json).</summary>
    public const string FileName = "survival";

    internal HazardModel(BinaryModel model)
    {
        Model = model;
        _period = new Lazy<PeriodSlotSetter?>(PeriodSlots, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<PeriodSlotSetter?> _period;

    /// <summary>The hazard classifier (trainer, vectorizer; its probability is the hazard of a period).</summary>
    public BinaryModel Model { get; }

    /// <summary>The survival curve of each of the given rows of a feature table (its as-of date is the curve's start).</summary>
    public SurvivalCurve[] Curves(FeatureTable table, IReadOnlyList<int> rows) =>
        Model.WalksTrees ? CurvesByTrees(table, rows) : CurvesByExpansion(table, rows);

    /// <summary>
    /// A tree hazard: each customer's vector is built once and only its period slots change between the six periods, so
    /// no customer's features are copied per period (a million customers would otherwise be six million feature rows).
    /// </summary>
    private SurvivalCurve[] CurvesByTrees(FeatureTable table, IReadOnlyList<int> rows)
    {
        var curves = new SurvivalCurve[rows.Count];
        var bound = Model.Vectorizer.Bind(WithPeriodColumn(table));
        var period = _period.Value;
        int width = Model.Vectorizer.Width;
        const int perChunk = BinaryModel.VectorChunk / SurvivalCurve.Periods;
        const int perBlock = 64 * perChunk;
        int blocks = (rows.Count + perBlock - 1) / perBlock;
        // A live prediction (one block) stays on the calling thread; a snapshot's blocks use every core.
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks == 1 ? 1 : Environment.ProcessorCount }, b =>
        {
            var vectors = new float[perChunk * SurvivalCurve.Periods * width];
            var hazards = new float[perChunk * SurvivalCurve.Periods];
            for (int from = b * perBlock, end = Math.Min(rows.Count, from + perBlock); from < end; from += perChunk)
            {
                int count = Math.Min(perChunk, end - from);
                for (int i = 0; i < count; i++)
                {
                    var first = vectors.AsSpan(i * SurvivalCurve.Periods * width, width);
                    bound.Transform(rows[from + i], first);
                    for (int p = 0; p < SurvivalCurve.Periods; p++)
                    {
                        var vector = vectors.AsSpan((i * SurvivalCurve.Periods + p) * width, width);
                        if (p > 0)
                        {
                            first.CopyTo(vector);
                        }
                        period?.Set(vector, p);
                    }
                }
                int scored = count * SurvivalCurve.Periods;
                Model.PredictVectors(vectors.AsSpan(0, scored * width), hazards.AsSpan(0, scored));
                for (int i = 0; i < count; i++)
                {
                    curves[from + i] = SurvivalCurve.FromHazards(hazards.AsSpan(i * SurvivalCurve.Periods, SurvivalCurve.Periods));
                }
            }
        });
        return curves;
    }

    /// <summary>Any other hazard (ML.NET scores it): each row becomes one row per period, in blocks.</summary>
    internal SurvivalCurve[] CurvesByExpansion(FeatureTable table, IReadOnlyList<int> rows)
    {
        var curves = new SurvivalCurve[rows.Count];
        for (int from = 0; from < rows.Count; from += BlockRows)
        {
            var block = rows.Skip(from).Take(BlockRows).ToArray();
            var hazards = Model.Predict(PersonPeriods.Expand(table, block), Enumerable.Range(0, block.Length * SurvivalCurve.Periods).ToArray());
            for (int i = 0; i < block.Length; i++)
            {
                curves[from + i] = SurvivalCurve.FromHazards(hazards.AsSpan(i * SurvivalCurve.Periods, SurvivalCurve.Periods));
            }
        }
        return curves;
    }

    /// <summary>
    /// Each row's per-feature contributions to its hazard of the first period, the next 30 days (on the hazard's log-odds
    /// scale; a feature's slots summed, as the churn risk's reasons are). For a logistic hazard a feature contributes the
    /// same in every period, so this is the whole curve's; a tree hazard's later periods differ little (the period enters
    /// its trees as one more feature) and would cost six times as much (ML.NET's contributions are most of a snapshot's
    /// factor cost). The period itself gets none: every customer has every period, so it tells no customer apart.
    /// </summary>
    public float[][] Contributions(FeatureTable table, IReadOnlyList<int> rows)
    {
        var contributions = new float[rows.Count][];
        int periodFeature = Model.Vectorizer.Features.ToList().IndexOf(PersonPeriods.PeriodColumn);
        var first = new FeatureTable(table.CustomerIds, [.. table.Columns.Where(c => c.Name != PersonPeriods.PeriodColumn),
            FeatureColumn.Categorical(PersonPeriods.PeriodColumn, "period after the as-of date", FirstPeriod(table.RowCount))]);
        const int block = 4_096;
        Parallel.For(0, (rows.Count + block - 1) / block, b =>
        {
            var slice = Enumerable.Range(b * block, Math.Min(block, rows.Count - b * block)).ToArray();
            var (_, scored) = Model.PredictWithContributions(first, [.. slice.Select(i => rows[i])]);
            for (int k = 0; k < slice.Length; k++)
            {
                if (periodFeature >= 0)
                {
                    scored[k][periodFeature] = 0;
                }
                contributions[slice[k]] = scored[k];
            }
        });
        return contributions;
    }

    private static string?[] FirstPeriod(int rows)
    {
        var values = new string?[rows];
        Array.Fill(values, PersonPeriods.PeriodName(0));
        return values;
    }

    /// <summary>The table with an empty period column beside its features, so the vectorizer binds; the period slots are set per period.</summary>
    private static FeatureTable WithPeriodColumn(FeatureTable table) =>
        table.Find(PersonPeriods.PeriodColumn) is not null ? table
            : new FeatureTable(table.CustomerIds, [.. table.Columns, FeatureColumn.Categorical(PersonPeriods.PeriodColumn, "period after the as-of date", new string?[table.RowCount])]);

    /// <summary>Where the period's one-hot slots sit in the vector; null when the vectorizer kept no period (one period seen in training).</summary>
    private PeriodSlotSetter? PeriodSlots()
    {
        var spec = Model.Vectorizer.Categoricals.FirstOrDefault(c => c.Feature == PersonPeriods.PeriodColumn);
        if (spec is null)
        {
            return null;
        }
        int offset = Model.Vectorizer.Slots.TakeWhile(s => s.Feature != PersonPeriods.PeriodColumn).Count();
        return new PeriodSlotSetter(spec, offset, [.. Enumerable.Range(0, SurvivalCurve.Periods).Select(PersonPeriods.PeriodName)]);
    }

    private sealed class PeriodSlotSetter(CategoricalSpec spec, int offset, string[] names)
    {
        public void Set(Span<float> vector, int period) => FeatureVectorizer.OneHot(spec, names[period], vector, offset);
    }

    /// <summary>Customers expanded to their periods at a time (6 x 50,000 person-period rows).</summary>
    private const int BlockRows = 50_000;

    public void Save(string directory) => Model.Save(directory, FileName);

    /// <summary>The survival model of a version folder, or null when the version has none (trained before it existed, or without paying customers).</summary>
    public static HazardModel? TryLoad(string directory) =>
        File.Exists(Path.Combine(directory, FileName + ".json")) ? new HazardModel(BinaryModel.Load(directory, FileName)) : null;
}
