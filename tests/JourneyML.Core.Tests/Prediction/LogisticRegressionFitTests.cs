using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Tests.SampleData;
using Microsoft.ML;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Prediction;

/// <summary>
/// The own L-BFGS logistic regression that fits the linear candidate: as good as ML.NET's trainer on the same objective
/// (holdout ROC AUC within 0.002 on the committed sample and the generated worlds), the same weights on any number of cores,
/// and a model the rest of the lifecycle uses as it used ML.NET's (scores, contributions, save and load, prediction engines).
/// </summary>
public sealed class LogisticRegressionFitTests(WorldSamples worlds, ITestOutputHelper output) : IClassFixture<WorldSamples>
{
    private static readonly DateTime s_asOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Lazy<FeatureTable> s_sample = new(() =>
        BehaviourFeatures.Build(Dataset.Open(Repo.Path("data-samples", "sample"), new ValidationReport()), new FeatureOptions { AsOf = s_asOf }).Table);

    public static TheoryData<string, string, double, double> Cases() => new()
    {
        { "sample", LabelNames.Churn, 0.1, 0 },
        { "sample", LabelNames.Conversion, 0.1, 0 },
        { "sample", LabelNames.Churn, 10, 0 },
        { "subscription", LabelNames.Churn, 0.1, 0 },
        { "subscription", LabelNames.Churn, 100, 0 },
        { "small", LabelNames.Churn, 1, 0 },
        // The elastic net against ML.NET's orthant-wise trainer.
        { "sample", LabelNames.Churn, 1, 10 },
        { "subscription", LabelNames.Churn, 1, 1 },
        { "subscription", LabelNames.Churn, 1, 30 },
    };

    private FeatureTable Table(string name) => name switch
    {
        "sample" => s_sample.Value,
        "subscription" => Features(worlds.Subscription.Directory),
        _ => Features(worlds.Small.Directory),
    };

    private static FeatureTable Features(string directory) =>
        BehaviourFeatures.Build(Dataset.Open(directory, new ValidationReport()), new FeatureOptions { AsOf = s_asOf }).Table;

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_own_fit_ranks_the_holdout_as_ml_nets_trainer_does(string world, string label, double l2, double l1)
    {
        var table = Table(world);
        var labels = table.Labels[label];
        var labelled = Enumerable.Range(0, table.RowCount).Where(r => !float.IsNaN(labels[r])).ToArray();
        var (train, holdout) = ClassifierTraining.StratifiedSplit(labelled, labels, table.CustomerIds, 0.3, 1, table.AccountIds);
        var spec = new CandidateSpec(CandidateSpec.LogisticRegression, new Dictionary<string, double> { ["l2"] = l2, ["l1"] = l1 });
        var task = label == LabelNames.Churn ? PredictionTask.Churn : PredictionTask.Lead;
        var own = ClassifierTraining.FitOnce(table, task, train, spec);

        // ML.NET's own pipeline for the same spec (normaliser and L-BFGS) on the same rows and vectors.
        var ml = new MLContext(1);
        var bound = own.Vectorizer.Bind(table);
        var reference = spec.BuildPipeline(ml).Fit(ml.Data.Cache(VectorData.View(ml, bound, train, labels)));
        var referenceScores = ml.Data.CreateEnumerable<ScoreRow>(reference.Transform(VectorData.View(ml, bound, holdout, null)), reuseRowObject: false)
            .Select(s => s.Score).ToArray();
        var truth = holdout.Select(r => labels[r]).ToArray();
        double ownAuc = ClassificationMetrics.RocAuc(own.RawScoresThroughMlNet(table, holdout), truth);
        double referenceAuc = ClassificationMetrics.RocAuc(referenceScores, truth);
        output.WriteLine($"{world} {label} L2 {l2} L1 {l1}: own {ownAuc:F4}, ML.NET {referenceAuc:F4} on {holdout.Length} customers");
        Assert.InRange(ownAuc - referenceAuc, -0.002, 0.002);
        if (world != "small")
        {
            // Not vacuous: a model that ranks (the small world's 57 holdout customers carry little signal for either trainer).
            Assert.InRange(ownAuc, 0.6, 1);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(30.0)]
    public void The_weights_are_the_same_on_any_number_of_cores(double l1)
    {
        var data = Synthetic(rows: 9 * LogisticRegressionFit.ChunkRows + 123, width: 11, seed: 3);
        var one = LogisticRegressionFit.Fit(data, 0.1, l1, threads: 1);
        foreach (int threads in new[] { 2, 3, 4, 8 })
        {
            var many = LogisticRegressionFit.Fit(data, 0.1, l1, threads);
            Assert.Equal(one.Weights, many.Weights);
            Assert.Equal(one.Bias, many.Bias);
        }
        Assert.Contains(one.Weights, w => Math.Abs(w) > 0.1f);
    }

    [Fact]
    public void The_tuned_elastic_net_drops_most_irrelevant_features_and_ranks_new_rows_at_least_as_well_as_l2_alone()
    {
        // 5 features that drive the label, 95 that do not; 600 training rows (480 on the inner fold), 20,000 test rows.
        const int Signal = 5, Noise = 95;
        var train = Sparse(rows: 600, Signal, Noise, seed: 11);
        var test = Sparse(rows: 20_000, Signal, Noise, seed: 12);
        var elastic = Tuned(train, CandidateSpec.DefaultSweep.Single(c => c.Hyperparameters.ContainsKey(CandidateSpec.TunedL1Key)));
        var ridge = Tuned(train, new CandidateSpec(CandidateSpec.LogisticRegression, new Dictionary<string, double> { [CandidateSpec.TunedL2Key] = 1 }));
        double l1 = elastic.Hyperparameters["l1"];
        Assert.Contains(l1, CandidateFitting.L1Grid);
        Assert.Equal(0, ridge.Hyperparameters["l1"]);

        var sparse = LogisticRegressionFit.Fit(train, elastic.Hyperparameters["l2"], l1);
        var dense = LogisticRegressionFit.Fit(train, ridge.Hyperparameters["l2"]);
        int zeroed = sparse.Weights.Skip(Signal).Count(w => w == 0);
        double sparseAuc = Auc(sparse, test), denseAuc = Auc(dense, test);
        output.WriteLine($"elastic net {elastic.Describe()}: {zeroed} of {Noise} irrelevant weights zero, test ROC AUC {sparseAuc:F4}; " +
            $"L2 alone {ridge.Describe()}: {dense.Weights.Skip(Signal).Count(w => w == 0)} zero, {denseAuc:F4}");
        Assert.True(zeroed > Noise / 2, $"only {zeroed} of {Noise} irrelevant features dropped");
        Assert.All(sparse.Weights.Take(Signal), w => Assert.NotEqual(0f, w));
        Assert.Equal(0, dense.Weights.Count(w => w == 0));
        Assert.True(sparseAuc >= denseAuc - 0.001, $"elastic net {sparseAuc:F4} against L2 alone {denseAuc:F4}");
    }

    /// <summary>The spec a tuned linear candidate fits as on <paramref name="data"/> (the product's inner-fold search).</summary>
    private static CandidateSpec Tuned(TrainingMatrix data, CandidateSpec spec)
    {
        var rows = Enumerable.Range(0, data.Rows).ToArray();
        var fitted = CandidateFitting.Fit(new MLContext(1), spec, rows, data.Labels,
            _ => throw new InvalidOperationException("the linear candidate reads the matrix, not a view"), seed: 1,
            matrix: subset => Subset(data, subset));
        return fitted.Fitted;
    }

    private static TrainingMatrix Subset(TrainingMatrix data, IReadOnlyList<int> rows) =>
        TrainingMatrix.Build(rows, data.Width, data.Labels, (r, vector) => data.Row(r).CopyTo(vector));

    private static double Auc(LinearWeights weights, TrainingMatrix data) =>
        ClassificationMetrics.RocAuc([.. Enumerable.Range(0, data.Rows).Select(r => weights.Score(data.Row(r)))], data.Labels);

    /// <summary>Rows whose label depends on the first <paramref name="signal"/> columns (weights alternating +-0.8) and not on the other <paramref name="noise"/>.</summary>
    private static TrainingMatrix Sparse(int rows, int signal, int noise, int seed)
    {
        var random = new Random(seed);
        int width = signal + noise;
        var values = new float[rows * width];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double margin = -0.3;
            for (int j = 0; j < width; j++)
            {
                float v = (float)(random.NextDouble() * 3.4 - 1.7);
                values[r * width + j] = v;
                margin += j < signal ? (j % 2 == 0 ? 0.8 : -0.8) * v : 0;
            }
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1 : 0;
        }
        return new TrainingMatrix(values, labels, width);
    }

    [Fact]
    public void The_fit_finds_the_planted_weights_and_a_constant_feature_gets_none()
    {
        var data = Synthetic(rows: 40_000, width: 6, seed: 9);
        var fitted = LogisticRegressionFit.Fit(data, 0.1);
        // Planted: w_j = (j - 2) / 2 on columns 0..4 (column 5 constant), bias -0.5.
        for (int j = 0; j < 5; j++)
        {
            Assert.InRange(fitted.Weights[j], (j - 2) / 2f - 0.06f, (j - 2) / 2f + 0.06f);
        }
        Assert.Equal(0f, fitted.Weights[5]);
        Assert.InRange(fitted.Bias, -0.56f, -0.44f);
    }

    [Fact]
    public void The_built_model_scores_explains_saves_and_loads_as_its_weights_say()
    {
        var table = s_sample.Value;
        var labels = table.Labels[LabelNames.Churn];
        var rows = Enumerable.Range(0, table.RowCount).Where(r => !float.IsNaN(labels[r])).ToArray();
        var vectorizer = FeatureVectorizer.Fit(table, rows);
        var random = new Random(4);
        var weights = new LinearWeights([.. Enumerable.Range(0, vectorizer.Width).Select(_ => (float)(random.NextDouble() - 0.5))], 0.25f);
        var ml = new MLContext(1);
        var model = new BinaryModel(ml, weights.ToTransformer(ml),
            new BinaryModelInfo(PredictionTask.Churn, LabelNames.Churn, CandidateSpec.PlainLogistic, vectorizer, new PlattCalibration(1, 0)) { CalibrationMethod = CalibrationMethod.None });
        var bound = vectorizer.Bind(table);
        var expected = rows.Select(r => weights.Score(bound.Transform(r))).ToArray();
        var scores = model.RawScoresThroughMlNet(table, rows);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[i], scores[i], 1e-4f * (1 + Math.Abs(expected[i])));
        }

        // Contributions: weight x value per slot, summed per feature, as ML.NET's linear explanation gives them.
        var groups = model.SlotGroups();
        var (_, contributions) = model.PredictWithContributions(table, rows[..20]);
        var (_, live) = model.PredictRows(table, rows[..20]);
        for (int i = 0; i < 20; i++)
        {
            var vector = bound.Transform(rows[i]);
            var perFeature = new float[vectorizer.Features.Count];
            for (int s = 0; s < vector.Length; s++)
            {
                perFeature[groups[s]] += weights.Weights[s] * vector[s];
            }
            for (int f = 0; f < perFeature.Length; f++)
            {
                Assert.Equal(perFeature[f], contributions[i][f], 1e-4f * (1 + Math.Abs(perFeature[f])));
                Assert.Equal(contributions[i][f], live[i][f]);
            }
        }

        using var folder = new TempFolder("own-linear");
        model.Save(folder.Path, "model");
        var loaded = BinaryModel.Load(folder.Path, "model");
        Assert.Equal(scores, loaded.RawScoresThroughMlNet(table, rows));
        Assert.Equal(model.Predict(table, rows), loaded.Predict(table, rows));
    }

    /// <summary>Rows with planted logistic weights (j - 2) / 2 on all columns but the last, which is constant.</summary>
    private static TrainingMatrix Synthetic(int rows, int width, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * width];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double margin = -0.5;
            for (int j = 0; j < width; j++)
            {
                float v = j == width - 1 ? 3f : (float)(random.NextDouble() * 4 - 2);
                values[r * width + j] = v;
                margin += j == width - 1 ? 0 : (j - 2) / 2.0 * v;
            }
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1 : 0;
        }
        return new TrainingMatrix(values, labels, width);
    }
}
