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

    internal HazardModel(BinaryModel model) => Model = model;

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
        var period = PeriodSlots();
        int width = Model.Vectorizer.Width;
        const int perChunk = BinaryModel.VectorChunk / SurvivalCurve.Periods;
        const int perBlock = 64 * perChunk;
        Parallel.For(0, (rows.Count + perBlock - 1) / perBlock, b =>
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
    /// Each row's per-feature contributions to its hazard (on the hazard's log-odds scale; a feature's slots summed, as the
    /// churn risk's reasons are): the contributions of its six periods averaged, each weighted by the curve's probability of
    /// still paying at the period's start (a later period matters less: the customer may have left before it). The period
    /// itself gets none: every customer has every period, so it tells no customer apart.
    /// </summary>
    public float[][] Contributions(FeatureTable table, IReadOnlyList<int> rows, IReadOnlyList<SurvivalCurve> curves)
    {
        var contributions = new float[rows.Count][];
        int periodFeature = Model.Vectorizer.Features.ToList().IndexOf(PersonPeriods.PeriodColumn);
        const int block = 2_048;
        Parallel.For(0, (rows.Count + block - 1) / block, b =>
        {
            var slice = Enumerable.Range(b * block, Math.Min(block, rows.Count - b * block)).ToArray();
            var expanded = PersonPeriods.Expand(table, [.. slice.Select(i => rows[i])]);
            var (_, perPeriod) = Model.PredictWithContributions(expanded, Enumerable.Range(0, slice.Length * SurvivalCurve.Periods).ToArray());
            for (int k = 0; k < slice.Length; k++)
            {
                contributions[slice[k]] = Weighted(perPeriod.AsSpan(k * SurvivalCurve.Periods, SurvivalCurve.Periods), curves[slice[k]], periodFeature);
            }
        });
        return contributions;
    }

    private static float[] Weighted(ReadOnlySpan<float[]> periods, SurvivalCurve curve, int periodFeature)
    {
        var mean = new float[periods[0].Length];
        double total = 0;
        for (int p = 0; p < periods.Length; p++)
        {
            double weight = p == 0 ? 1 : curve.Survival[p - 1];
            total += weight;
            for (int f = 0; f < mean.Length; f++)
            {
                mean[f] += (float)(weight * periods[p][f]);
            }
        }
        for (int f = 0; f < mean.Length; f++)
        {
            mean[f] = f == periodFeature ? 0 : (float)(mean[f] / total);
        }
        return mean;
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
