using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyML.Core.Features;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace JourneyML.Core.Prediction;

/// <summary>What is saved beside a classifier's ML.NET model: how to build its input and calibrate its output.</summary>
/// <remarks>
/// <see cref="Calibration"/> is the Platt curve every model has carried since the first version; a model whose calibrator
/// was chosen as isotonic (or its blend with Platt) also carries <see cref="Isotonic"/>, which then turns scores into probabilities
/// (alone, or averaged with the Platt curve). Models saved
/// before the choice existed have neither <see cref="CalibrationMethod"/> nor <see cref="Isotonic"/> and load as Platt.
/// </remarks>
public sealed record BinaryModelInfo(PredictionTask Task, string Label, CandidateSpec Spec, FeatureVectorizer Vectorizer, PlattCalibration Calibration)
{
    /// <summary>The calibrator in use (<see cref="Prediction.CalibrationMethod"/>).</summary>
    /// <remarks>A file without it (saved before the choice existed) deserialises it as null, which reads as Platt.</remarks>
    public string CalibrationMethod { get => _calibrationMethod ?? Prediction.CalibrationMethod.Platt; init => _calibrationMethod = value; }

    private readonly string? _calibrationMethod;

    /// <summary>The isotonic curve, when that is (or is part of) the calibrator in use.</summary>
    public IsotonicCalibration? Isotonic { get; init; }

    /// <summary>The probability of a raw score through the calibrator in use.</summary>
    public float Probability(float score) => CalibratorSelection.Probability(CalibrationMethod, Calibration, Isotonic, score);

    /// <summary>Why this saved calibration cannot be used, or null when it can.</summary>
    internal string? Problem()
    {
        if (Calibration is null || !double.IsFinite(Calibration.A) || !double.IsFinite(Calibration.B))
        {
            return "its Platt calibration is missing or not finite";
        }
        return CalibrationMethod switch
        {
            Prediction.CalibrationMethod.Isotonic or Prediction.CalibrationMethod.Blend =>
                Isotonic is null ? $"its calibration method is {CalibrationMethod} but it has no isotonic curve" : Isotonic.Problem(),
            Prediction.CalibrationMethod.Platt or Prediction.CalibrationMethod.None => Isotonic is null ? null : $"it has an isotonic curve but its calibration method is {CalibrationMethod}",
            _ => $"its calibration method '{CalibrationMethod}' is unknown (platt, isotonic, platt-isotonic or none)",
        };
    }
}

/// <summary>Signed contribution of one feature to one customer's score (positive raises the probability).</summary>
public readonly record struct FeatureContribution(string Feature, float Contribution);

/// <summary>
/// A trained, calibrated classifier (churn risk or lead score): the ML.NET model that maps the feature vector to a raw
/// score, the vectorizer that builds that vector, and the calibration that turns the score into a probability.
/// Thread-safe for scoring: every call builds its own data view; nothing is shared between calls but immutable state.
/// </summary>
public sealed class BinaryModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly Lazy<ITransformer> _explainer;
    private readonly Lazy<ForestAttribution?> _forest;
    // PredictionEngine is not thread-safe: each is used by one thread at a time, taken from and returned to this pool.
    private readonly System.Collections.Concurrent.ConcurrentBag<RowScorer> _scorers = [];
    private readonly Lazy<int[]> _slotGroups;
    private readonly Lazy<TreeEnsembleScorer?> _trees;

    internal BinaryModel(MLContext ml, ITransformer model, BinaryModelInfo info)
    {
        _ml = ml;
        _model = model;
        Info = info;
        _explainer = new Lazy<ITransformer>(BuildExplainer, LazyThreadSafetyMode.ExecutionAndPublication);
        _forest = new Lazy<ForestAttribution?>(() => Flatten(_model).Last() is ISingleFeaturePredictionTransformer<FastForestBinaryModelParameters> p
            ? ForestAttribution.From(p.Model) : null, LazyThreadSafetyMode.ExecutionAndPublication);
        _slotGroups = new Lazy<int[]>(SlotGroups, LazyThreadSafetyMode.ExecutionAndPublication);
        _trees = new Lazy<TreeEnsembleScorer?>(() => TreeEnsembleScorer.For([.. Flatten(_model)]), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public BinaryModelInfo Info { get; }

    public FeatureVectorizer Vectorizer => Info.Vectorizer;

    /// <summary>Rows per block of batch scoring; blocks are scored in parallel (settable so tests can force several blocks).</summary>
    internal static int PredictBlockSize { get; set; } = 16_384;

    /// <summary>Calibrated probabilities for the given rows of a table, in row order.</summary>
    /// <remarks>A tree ensemble is walked directly (<see cref="TreeEnsembleScorer"/>: the same scores as ML.NET's, several times faster); other models go through ML.NET.</remarks>
    public float[] Predict(FeatureTable table, IReadOnlyList<int> rows) =>
        _trees.Value is { } trees ? WalkTrees(trees, Vectorizer.Bind(table), rows, calibrate: true) : PredictThroughMlNet(table, rows);

    /// <summary>Whether <see cref="Predict"/> walks the trees itself rather than going through ML.NET.</summary>
    internal bool WalksTrees => _trees.Value is not null;

    /// <summary>Vectors scored together by <see cref="PredictVectors"/> at most.</summary>
    internal const int VectorChunk = TreeEnsembleScorer.Chunk;

    /// <summary>
    /// Calibrated probabilities of up to <see cref="VectorChunk"/> vectors the caller built (laid end to end, one
    /// <see cref="FeatureVectorizer.Width"/> each) by the tree walk: for a caller that varies a few slots of one customer's
    /// vector (the survival periods) instead of copying the customer's features per variant. Only when <see cref="WalksTrees"/>.
    /// </summary>
    internal void PredictVectors(ReadOnlySpan<float> vectors, Span<float> probabilities)
    {
        var trees = _trees.Value ?? throw new InvalidOperationException("only a tree ensemble scores vectors directly");
        trees.Score(vectors, Vectorizer.Width, probabilities);
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = Info.Probability(probabilities[i]);
        }
    }

    /// <summary>Raw scores from the tree walk; null when the model is no tree ensemble (ML.NET scores it).</summary>
    internal float[]? RawScoresByTrees(FeatureTable table, IReadOnlyList<int> rows) =>
        _trees.Value is { } trees ? WalkTrees(trees, Vectorizer.Bind(table), rows, calibrate: false) : null;

    /// <summary>Raw scores through ML.NET (the reference the tree walk is tested against).</summary>
    internal float[] RawScoresThroughMlNet(FeatureTable table, IReadOnlyList<int> rows)
    {
        var ml = new MLContext(1);
        return RawScores(ml, VectorData.View(ml, Vectorizer.Bind(table), rows, null), rows.Count);
    }

    private float[] WalkTrees(TreeEnsembleScorer trees, BoundVectorizer bound, IReadOnlyList<int> rows, bool calibrate)
    {
        var scores = new float[rows.Count];
        const int block = 32 * TreeEnsembleScorer.Chunk;
        int width = Vectorizer.Width;
        Parallel.For(0, (rows.Count + block - 1) / block, b =>
        {
            var vectors = new float[TreeEnsembleScorer.Chunk * width];
            for (int from = b * block, end = Math.Min(rows.Count, from + block); from < end; from += TreeEnsembleScorer.Chunk)
            {
                int count = Math.Min(TreeEnsembleScorer.Chunk, end - from);
                for (int i = 0; i < count; i++)
                {
                    bound.Transform(rows[from + i], vectors.AsSpan(i * width, width));
                }
                var chunk = scores.AsSpan(from, count);
                trees.Score(vectors.AsSpan(0, count * width), width, chunk);
                if (calibrate)
                {
                    for (int i = 0; i < count; i++)
                    {
                        chunk[i] = Info.Probability(chunk[i]);
                    }
                }
            }
        });
        return scores;
    }

    /// <summary>The probabilities through ML.NET's own scoring (every model; the reference the tree walk is tested against).</summary>
    internal float[] PredictThroughMlNet(FeatureTable table, IReadOnlyList<int> rows)
    {
        var bound = Vectorizer.Bind(table);
        var probabilities = new float[rows.Count];
        int block = PredictBlockSize;
        int blocks = (int)(((long)rows.Count + block - 1) / block);
        if (blocks <= 1)
        {
            PredictInto(bound, rows, 0, rows.Count, probabilities);
            return probabilities;
        }
        // Blocks on every core: the per-row cost is the model and ML.NET's row plumbing, both independent between rows,
        // so scoring scales with cores (the peer benchmark's batch scoring was single-threaded before, 3x slower than
        // scikit-learn's). Each block builds its own context and data view; the fitted model is shared read-only.
        Parallel.For(0, blocks, b => PredictInto(bound, rows, b * block, Math.Min(rows.Count, (b + 1) * block), probabilities));
        return probabilities;
    }

    private void PredictInto(BoundVectorizer bound, IReadOnlyList<int> rows, int from, int to, float[] probabilities)
    {
        // A context per call: MLContext is not meant to be shared between threads; the fitted model is.
        var ml = new MLContext(1);
        IReadOnlyList<int> slice = from == 0 && to == rows.Count ? rows : new RowRange(rows, from, to - from);
        var data = VectorData.View(ml, bound, slice, null);
        int i = from;
        foreach (var row in ml.Data.CreateEnumerable<ScoreRow>(_model.Transform(data), reuseRowObject: true))
        {
            probabilities[i++] = Info.Probability(row.Score);
        }
    }

    /// <summary>A window on a list of rows, without copying it.</summary>
    private sealed class RowRange(IReadOnlyList<int> rows, int offset, int count) : IReadOnlyList<int>
    {
        public int this[int index] => rows[offset + index];
        public int Count => count;
        public IEnumerator<int> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return rows[offset + i];
            }
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Raw (uncalibrated) scores, for calibration and the score distribution.</summary>
    internal float[] RawScores(MLContext ml, IDataView data, int count)
    {
        var transformed = _model.Transform(data);
        var scores = new float[count];
        int i = 0;
        foreach (var row in ml.Data.CreateEnumerable<ScoreRow>(transformed, reuseRowObject: true))
        {
            scores[i++] = row.Score;
        }
        return scores;
    }

    /// <summary>
    /// Probabilities with every row's per-feature contributions (slots summed per feature: a one-hot group or a
    /// value with its missing indicator count as one feature). Contributions are on the raw score's scale.
    /// </summary>
    public (float[] Probabilities, float[][] Contributions) PredictWithContributions(FeatureTable table, IReadOnlyList<int> rows)
    {
        var groupOf = SlotGroups();
        int features = Vectorizer.Features.Count;
        var probabilities = new float[rows.Count];
        var contributions = new float[rows.Count][];
        if (_forest.Value is { } forest)
        {
            var bound = Vectorizer.Bind(table);
            probabilities = Predict(table, rows);
            var slots = new float[Vectorizer.Width];
            var vector = new float[Vectorizer.Width];
            for (int r = 0; r < rows.Count; r++)
            {
                bound.Transform(rows[r], vector);
                Array.Clear(slots);
                forest.Explain(vector, slots);
                var perFeature = new float[features];
                for (int s = 0; s < slots.Length; s++)
                {
                    perFeature[groupOf[s]] += slots[s];
                }
                contributions[r] = perFeature;
            }
            return (probabilities, contributions);
        }
        var ml = new MLContext(1);
        var data = VectorData.View(ml, Vectorizer.Bind(table), rows, null);
        var transformed = _explainer.Value.Transform(data);
        int i = 0;
        foreach (var row in ml.Data.CreateEnumerable<ExplainedRow>(transformed, reuseRowObject: true))
        {
            probabilities[i] = Info.Probability(row.Score);
            var perFeature = new float[features];
            var c = row.FeatureContributions;
            for (int s = 0; s < c.Length; s++)
            {
                perFeature[groupOf[s]] += c[s];
            }
            contributions[i++] = perFeature;
        }
        return (probabilities, contributions);
    }

    /// <summary>
    /// Probabilities and per-feature contributions for a few rows at a time (live predictions): the same model and
    /// numbers as <see cref="PredictWithContributions"/>, through pooled prediction engines instead of a data view per
    /// call, which is what makes one prediction take microseconds. Safe to call from many threads at once.
    /// </summary>
    public (float[] Probabilities, float[][] Contributions) PredictRows(FeatureTable table, IReadOnlyList<int> rows)
    {
        var bound = Vectorizer.Bind(table);
        var groupOf = _slotGroups.Value;
        int features = Vectorizer.Features.Count;
        var probabilities = new float[rows.Count];
        var contributions = new float[rows.Count][];
        var scorer = RentScorer();
        try
        {
            for (int i = 0; i < rows.Count; i++)
            {
                bound.Transform(rows[i], scorer.Input.Features);
                var (raw, slots) = scorer.Score();
                probabilities[i] = Info.Probability(raw);
                var perFeature = new float[features];
                for (int s = 0; s < slots.Length; s++)
                {
                    perFeature[groupOf[s]] += slots[s];
                }
                contributions[i] = perFeature;
            }
        }
        finally
        {
            _scorers.Add(scorer);
        }
        return (probabilities, contributions);
    }

    private RowScorer RentScorer()
    {
        if (_scorers.TryTake(out var scorer))
        {
            return scorer;
        }
        // Engines are created from the model's own context; creation is not a hot path, so one at a time.
        lock (_scorers)
        {
            var schema = VectorData.Schema(Vectorizer.Width);
            return _forest.Value is { } forest
                ? new RowScorer(_ml.Model.CreatePredictionEngine<VectorRow, ScoreRow>(_model, inputSchemaDefinition: schema), forest, Vectorizer.Width)
                : new RowScorer(_ml.Model.CreatePredictionEngine<VectorRow, ExplainedRow>(_explainer.Value, inputSchemaDefinition: schema), Vectorizer.Width);
        }
    }

    /// <summary>One thread's prediction engine with its reusable input and output rows.</summary>
    private sealed class RowScorer
    {
        private readonly PredictionEngine<VectorRow, ScoreRow>? _scoreEngine;
        private readonly PredictionEngine<VectorRow, ExplainedRow>? _explainEngine;
        private readonly ForestAttribution? _forest;
        private readonly float[] _slots;
        private ScoreRow _score = new();
        private ExplainedRow _explained = new();

        public RowScorer(PredictionEngine<VectorRow, ScoreRow> engine, ForestAttribution forest, int width)
        {
            _scoreEngine = engine;
            _forest = forest;
            _slots = new float[width];
            Input = new VectorRow { Features = new float[width] };
        }

        public RowScorer(PredictionEngine<VectorRow, ExplainedRow> engine, int width)
        {
            _explainEngine = engine;
            _slots = [];
            Input = new VectorRow { Features = new float[width] };
        }

        public VectorRow Input { get; }

        /// <summary>The raw score and the slot contributions of <see cref="Input"/> (valid until the next call).</summary>
        public (float Raw, float[] Slots) Score()
        {
            if (_scoreEngine is not null)
            {
                _scoreEngine.Predict(Input, ref _score);
                Array.Clear(_slots);
                _forest!.Explain(Input.Features, _slots);
                return (_score.Score, _slots);
            }
            _explainEngine!.Predict(Input, ref _explained);
            return (_explained.Score, _explained.FeatureContributions);
        }
    }

    /// <summary>For each vector slot, the index of its feature in <see cref="FeatureVectorizer.Features"/>.</summary>
    internal int[] SlotGroups()
    {
        var index = Vectorizer.Features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
        return [.. Vectorizer.Slots.Select(s => index[s.Feature])];
    }

    public void Save(string directory, string name)
    {
        var width = Vectorizer.Width;
        var schema = SchemaDefinitionSchema(width);
        _ml.Model.Save(_model, schema, Path.Combine(directory, name + ".zip"));
        File.WriteAllText(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(Info, ModelJson.Default.BinaryModelInfo));
    }

    public static BinaryModel Load(string directory, string name, int seed = 1)
    {
        var ml = new MLContext(seed);
        var path = Path.Combine(directory, name + ".json");
        var info = JsonSerializer.Deserialize(File.ReadAllText(path), ModelJson.Default.BinaryModelInfo)
            ?? throw new InvalidDataException($"{name}.json is empty");
        if (info.Problem() is { } problem)
        {
            throw new InvalidDataException($"{path}: the {name} model cannot be used: {problem}");
        }
        var model = ml.Model.Load(Path.Combine(directory, name + ".zip"), out _);
        return new BinaryModel(ml, model, info);
    }

    private DataViewSchema SchemaDefinitionSchema(int width) =>
        _ml.Data.LoadFromEnumerable(Array.Empty<VectorRow>(), VectorData.Schema(width)).Schema;

    /// <summary>
    /// Appends ML.NET's feature-contribution calculation to the model. It needs the predictor's concrete type
    /// (calibrated tree and linear models through the two-type-parameter overload), works the same on a model
    /// loaded from disk, and is fitted on data that already went through every step before the predictor.
    /// </summary>
    private ITransformer BuildExplainer()
    {
        var steps = Flatten(_model).ToList();
        var predictor = steps[^1];
        var before = steps.Take(steps.Count - 1).ToList();
        int width = Vectorizer.Width;
        var sample = VectorData.View(_ml, [new float[width]], width);
        foreach (var step in before)
        {
            sample = step.Transform(sample);
        }
        ITransformer contributions = predictor switch
        {
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> p =>
                _ml.Transforms.CalculateFeatureContribution(p, width, width, normalize: false).Fit(sample),
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> p =>
                _ml.Transforms.CalculateFeatureContribution(p, width, width, normalize: false).Fit(sample),
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> p =>
                _ml.Transforms.CalculateFeatureContribution(p, width, width, normalize: false).Fit(sample),
            _ => throw new NotSupportedException($"explanations are not available for {predictor.GetType().Name}"),
        };
        return new TransformerChain<ITransformer>([.. before, predictor, contributions]);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
    {
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
            {
                foreach (var t in Flatten(inner))
                {
                    yield return t;
                }
            }
        }
        else
        {
            yield return transformer;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(BinaryModelInfo))]
internal sealed partial class ModelJson : JsonSerializerContext;
