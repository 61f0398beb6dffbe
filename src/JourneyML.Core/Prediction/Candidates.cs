using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace JourneyML.Core.Prediction;

/// <summary>One trainer with its hyperparameters: a point of the model-selection sweep.</summary>
public sealed record CandidateSpec(string Trainer, IReadOnlyDictionary<string, double> Hyperparameters)
{
    public const string LightGbm = "LightGbm";
    public const string FastTree = "FastTree";
    public const string FastForest = "FastForest";
    public const string LogisticRegression = "LbfgsLogisticRegression";

    public string Describe() =>
        Trainer + "(" + string.Join(", ", Hyperparameters.OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}={h.Value.ToString(CultureInfo.InvariantCulture)}")) + ")";

    private double P(string name) => Hyperparameters[name];

    /// <summary>
    /// The ML.NET pipeline for this candidate: a pure function of the spec (STYLE: BuildPipeline), default
    /// Label and Features columns. Logistic regression gets a mean-variance normaliser first, cached: L-BFGS reads the
    /// data once an iteration, and without the checkpoint every pass normalised every row again (the tuned linear candidate
    /// took a third of a run's CPU; with the cache, on 20,000 customers, the sweep's CPU fell from 26.5 to 15.1 s, same weights).
    /// One thread: the sweep runs its folds in parallel instead, and a single-threaded trainer repeats exactly.
    /// A logistic regression is fitted by the own L-BFGS instead (<see cref="LogisticRegressionFit"/>, OWL-QN with an L1 term,
    /// through <see cref="CandidateFitting"/>); its ML.NET pipeline here is the reference that trainer is tested against.
    /// </summary>
    public IEstimator<ITransformer> BuildPipeline(MLContext ml) => BuildPipeline(ml, threads: 1);

    /// <summary>
    /// The same pipeline with the trainer on <paramref name="threads"/> threads: one model fitted alone (the peer
    /// benchmark's fixed trainer) can use every core. Multi-threaded LightGBM is not bit-for-bit repeatable.
    /// </summary>
    public IEstimator<ITransformer> BuildPipeline(MLContext ml, int threads) => Trainer switch
    {
        LightGbm => LightGbmTrainer(ml, threads),
        FastTree => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfLeaves = (int)P("leaves"),
            NumberOfTrees = (int)P("trees"),
            LearningRate = P("learningRate"),
            MinimumExampleCountPerLeaf = (int)P("minLeaf"),
            NumberOfThreads = threads,
        }),
        FastForest => ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfLeaves = (int)P("leaves"),
            NumberOfTrees = (int)P("trees"),
            MinimumExampleCountPerLeaf = (int)P("minLeaf"),
            NumberOfThreads = threads,
        }),
        LogisticRegression => ml.Transforms.NormalizeMeanVariance("Features").AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = (float)P("l2"),
                L1Regularization = (float)Hyperparameters.GetValueOrDefault("l1"),
                NumberOfThreads = threads,
            })),
        _ => throw new ArgumentException($"unknown trainer '{Trainer}'"),
    };

    /// <summary>
    /// Boosting that stops on an inner validation fold: at most this many rounds without a better validation log loss
    /// (<see cref="CandidateFitting"/>); "iterations" is then the ceiling, and the fitted model's spec holds the rounds used.
    /// </summary>
    public const string EarlyStoppingKey = "earlyStopping";

    /// <summary>
    /// LightGBM splitting categoricals natively (a key of categories per node, not one one-hot slot at a time): the value is
    /// the least customers a category group may hold (LightGBM's min_data_per_group).
    /// </summary>
    public const string CategoricalSplitKey = "categoricalSplit";

    /// <summary>Logistic regression whose L2 strength is chosen on an inner validation fold from <see cref="CandidateFitting.L2Grid"/>.</summary>
    public const string TunedL2Key = "tuneL2";

    /// <summary>
    /// Logistic regression that, once its L2 strength is chosen, also tries the L1 strengths of <see cref="CandidateFitting.L1Grid"/>
    /// on the same inner fold (an elastic net): an L1 term sets the weights of features that do not pay for themselves to
    /// exactly zero, which wins on tables with many weak or irrelevant columns.
    /// </summary>
    public const string TunedL1Key = "tuneL1";

    /// <summary>This candidate without the L1 path (<see cref="TunedL1Key"/>); any other candidate unchanged.</summary>
    public CandidateSpec WithoutTunedL1() => Hyperparameters.ContainsKey(TunedL1Key)
        ? this with { Hyperparameters = Hyperparameters.Where(h => h.Key != TunedL1Key).ToDictionary(h => h.Key, h => h.Value) }
        : this;

    /// <summary>True when fitting this candidate needs an inner validation fold (early stopping or a tuned penalty).</summary>
    public bool TunesOnInnerFold => Hyperparameters.ContainsKey(EarlyStoppingKey) || Hyperparameters.ContainsKey(TunedL2Key) || Hyperparameters.ContainsKey(TunedL1Key);

    /// <summary>
    /// The spec as fitted on <paramref name="rows"/> customers: LightGBM's least customers per leaf at most a quarter of
    /// them. A leaf minimum above half the rows forbids every split; LightGBM then returns one constant tree, and when the
    /// rows' labels are balanced that tree's output is 0, which ML.NET cannot convert (an ArgumentNullException 'items',
    /// dotnet/machinelearning#5022): the small world's lead task stopped so (83 leads, folds of 66, minLeaf 50). At a
    /// quarter a split is always possible; a table of 200 rows or more per fold never meets the cap, so larger data fits
    /// exactly the spec it names.
    /// </summary>
    public CandidateSpec SuitedTo(int rows)
    {
        if (Trainer != LightGbm || !Hyperparameters.TryGetValue("minLeaf", out var minLeaf) || minLeaf <= Math.Max(1, rows / 4))
        {
            return this;
        }
        var hyperparameters = Hyperparameters.ToDictionary(h => h.Key, h => h.Value);
        hyperparameters["minLeaf"] = Math.Max(1, rows / 4);
        return this with { Hyperparameters = hyperparameters };
    }

    /// <summary>The LightGBM trainer itself (without a pipeline around it), so that early stopping can pass it a validation set.</summary>
    internal LightGbmBinaryTrainer LightGbmTrainer(MLContext ml, int threads) => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
    {
        NumberOfLeaves = (int)P("leaves"),
        LearningRate = P("learningRate"),
        NumberOfIterations = (int)P("iterations"),
        MinimumExampleCountPerLeaf = (int)P("minLeaf"),
        EarlyStoppingRound = (int)Hyperparameters.GetValueOrDefault(EarlyStoppingKey),
        // Explicit: left unset, ML.NET turns native categorical splits on by itself above 50,000 rows.
        UseCategoricalSplit = Hyperparameters.ContainsKey(CategoricalSplitKey),
        MinimumExampleCountPerGroup = (int)Hyperparameters.GetValueOrDefault(CategoricalSplitKey, 100),
        EvaluationMetric = LightGbmBinaryTrainer.Options.EvaluateMetricType.Logloss,
        Booster = Booster(),
        // One thread in the sweep: LightGBM's multi-threaded histograms are not bit-for-bit repeatable, and the sweep must be.
        NumberOfThreads = threads,
        Seed = 1,
        Verbose = false,
        Silent = true,
    });

    /// <summary>LightGBM's L2 penalty on leaf values (lambda_l2); absent: LightGBM's default, 0.</summary>
    public const string LeafL2Key = "leafL2";

    /// <summary>LightGBM's share of the features each tree may use (feature_fraction); absent: all of them.</summary>
    public const string FeatureFractionKey = "featureFraction";

    /// <summary>LightGBM's share of the rows each tree is grown on (bagging, redrawn every round); absent: every row.</summary>
    public const string SubsampleKey = "subsample";

    /// <summary>The booster's regularisation: LightGBM's defaults unless the spec names a key, so existing specs fit as before.</summary>
    private GradientBooster.Options Booster()
    {
        var booster = new GradientBooster.Options();
        if (Hyperparameters.TryGetValue(LeafL2Key, out var l2))
        {
            booster.L2Regularization = l2;
        }
        if (Hyperparameters.TryGetValue(FeatureFractionKey, out var features))
        {
            booster.FeatureFraction = features;
        }
        if (Hyperparameters.TryGetValue(SubsampleKey, out var subsample))
        {
            booster.SubsampleFraction = subsample;
            booster.SubsampleFrequency = 1;
        }
        return booster;
    }

    /// <summary>
    /// The default sweep. Measured on generated worlds and the committed sample: the second FastTree and the two fixed
    /// logistic regressions never won by more than noise and cost a third of the time; they gave way to boosting with
    /// early stopping (many slow rounds, stopped where an inner fold stops improving) and a logistic regression whose
    /// penalty is chosen on an inner fold.
    /// </summary>
    public static IReadOnlyList<CandidateSpec> DefaultSweep { get; } =
    [
        new(LightGbm, new Dictionary<string, double> { ["leaves"] = 15, ["learningRate"] = 0.05, ["iterations"] = 200, ["minLeaf"] = 20 }),
        new(LightGbm, new Dictionary<string, double> { ["leaves"] = 31, ["learningRate"] = 0.1, ["iterations"] = 100, ["minLeaf"] = 50 }),
        new(LightGbm, new Dictionary<string, double> { ["leaves"] = 15, ["learningRate"] = 0.03, ["iterations"] = 1000, ["minLeaf"] = 10, [EarlyStoppingKey] = 40 }),
        new(FastTree, new Dictionary<string, double> { ["leaves"] = 15, ["trees"] = 150, ["learningRate"] = 0.1, ["minLeaf"] = 20 }),
        new(FastForest, new Dictionary<string, double> { ["leaves"] = 31, ["trees"] = 100, ["minLeaf"] = 20 }),
        new(LogisticRegression, new Dictionary<string, double> { [TunedL2Key] = 1, [TunedL1Key] = 1 }),
    ];

    /// <summary>
    /// Added to the sweep below <see cref="ClassifierOptions.SmallDataRows"/> labelled customers: boosting held to 3 leaves a
    /// tree and 100 slow rounds. On the small world (150-200 training customers) it was the best configuration found by hand
    /// for churn and within 0.001 of it for leads (mean test ROC AUC over 50 seeds, <c>bench sweep</c>), where the sweep's 15-
    /// and 31-leaf candidates fit the folds' noise; with <see cref="SimplerWithinNoise"/> it ships unless another candidate
    /// leads by more than the cross-validation's noise.
    /// </summary>
    public static CandidateSpec SmallDataBoosting { get; } =
        new(LightGbm, new Dictionary<string, double> { ["leaves"] = 3, ["learningRate"] = 0.03, ["iterations"] = 100, ["minLeaf"] = 20 });

    /// <summary>One fixed trainer (the `--trainer` override and the benchmarks' fixed-trainer figure).</summary>
    public static CandidateSpec Default => DefaultSweep[0];

    /// <summary>The fixed linear trainer the peer benchmark sets against scikit-learn's (L2 0.1 is scikit-learn's C = 10).</summary>
    public static CandidateSpec PlainLogistic { get; } = new(LogisticRegression, new Dictionary<string, double> { ["l2"] = 0.1, ["l1"] = 0 });
}

/// <summary>
/// Platt scaling fitted on out-of-fold scores: turns a trainer's raw score into a probability that means what it
/// says (a risk of 0.3: about 30% of such customers churn within the horizon).
/// </summary>
public sealed record PlattCalibration(double A, double B)
{
    public float Apply(float score) => (float)(1 / (1 + Math.Exp(-(A * score + B))));

    /// <summary>
    /// The least slope a fitted curve may have, per standard deviation of the scores it was fitted on. A calibrator turns
    /// scores into probabilities and must never reverse the model's ranking: on a few hundred customers the out-of-fold
    /// scores it learns from come from models fitted on part of the rows and can rank worse than chance by luck, and an
    /// unconstrained fit then gives a negative slope that turns the final model upside down (the small world's churn model
    /// ranked its holdout at 0.64 ROC AUC and read 0.36 after such a curve, with every feature's importance negative).
    /// At the floor the probabilities stay within about a point of the base rate, which is all such scores support, and
    /// the order the final model learnt is kept for the holdout and the promotion floor to judge.
    /// </summary>
    public const double MinimumSlopePerSd = 0.01;

    /// <summary>
    /// Fits p = sigmoid(A s + B) on the log-loss with Platt's smoothed targets: Newton steps with a backtracking line
    /// search on standardised scores (raw tree scores can be large, where plain Newton steps overshoot). The slope is kept
    /// at or above <see cref="MinimumSlopePerSd"/>: the loss is convex, so when its unconstrained minimum lies below that
    /// bound the constrained one lies on it, and only the intercept is refitted there.
    /// </summary>
    public static PlattCalibration Fit(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int n = scores.Length, positives = 0;
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            positives += labels[i] > 0.5f ? 1 : 0;
            mean += scores[i];
        }
        mean /= Math.Max(n, 1);
        double variance = 0;
        for (int i = 0; i < n; i++)
        {
            variance += (scores[i] - mean) * (scores[i] - mean);
        }
        double sd = Math.Sqrt(variance / Math.Max(n, 1));
        if (sd < 1e-12)
        {
            sd = 1;
        }
        var z = new double[n];
        var t = new double[n];
        double hi = (positives + 1.0) / (positives + 2.0), lo = 1.0 / (n - positives + 2.0);
        for (int i = 0; i < n; i++)
        {
            z[i] = (scores[i] - mean) / sd;
            t[i] = labels[i] > 0.5f ? hi : lo;
        }
        double a = 0, b = Math.Log((positives + 1.0) / (n - positives + 1.0));
        double loss = Loss(z, t, a, b);
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double gA = 0, gB = 0, hAA = 1e-9, hAB = 0, hBB = 1e-9;
            for (int i = 0; i < n; i++)
            {
                double p = Sigmoid(a * z[i] + b);
                double d = p - t[i], w = p * (1 - p);
                gA += d * z[i];
                gB += d;
                hAA += w * z[i] * z[i];
                hAB += w * z[i];
                hBB += w;
            }
            double det = hAA * hBB - hAB * hAB;
            if (Math.Abs(det) < 1e-15)
            {
                break;
            }
            double stepA = (hBB * gA - hAB * gB) / det, stepB = (hAA * gB - hAB * gA) / det;
            double scale = 1, next = Loss(z, t, a - stepA, b - stepB);
            while (next > loss && scale > 1e-6)
            {
                scale /= 2;
                next = Loss(z, t, a - scale * stepA, b - scale * stepB);
            }
            a -= scale * stepA;
            b -= scale * stepB;
            bool converged = loss - next < 1e-10;
            loss = next;
            if (converged)
            {
                break;
            }
        }
        if (a < MinimumSlopePerSd)
        {
            a = MinimumSlopePerSd;
            b = Intercept(z, t, a, b);
        }
        // Back to the raw score: a z + b = (a / sd) s + (b - a mean / sd).
        return new PlattCalibration(a / sd, b - a * mean / sd);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The intercept that minimises the loss at a fixed slope: one-dimensional Newton steps (the loss is convex in it).</summary>
    private static double Intercept(double[] z, double[] t, double a, double b)
    {
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double g = 0, h = 1e-9;
            for (int i = 0; i < z.Length; i++)
            {
                double p = Sigmoid(a * z[i] + b);
                g += p - t[i];
                h += p * (1 - p);
            }
            double step = g / h;
            b -= step;
            if (Math.Abs(step) < 1e-10)
            {
                break;
            }
        }
        return b;
    }

    private static double Loss(double[] z, double[] t, double a, double b)
    {
        double loss = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double p = Math.Clamp(Sigmoid(a * z[i] + b), 1e-12, 1 - 1e-12);
            loss -= t[i] * Math.Log(p) + (1 - t[i]) * Math.Log(1 - p);
        }
        return loss;
    }
}
