using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace JourneyML.Core.Prediction;

/// <summary>A fitted candidate and the fixed spec it amounts to (rounds and penalty as chosen on the inner fold).</summary>
internal sealed record FittedCandidate(ITransformer Model, CandidateSpec Fitted);

/// <summary>
/// Fits one candidate on a set of rows. Fixed candidates are one fit. Candidates that tune on an inner validation fold
/// (<see cref="CandidateSpec.TunesOnInnerFold"/>) hold out a stratified fifth of the rows they are given, choose their
/// rounds (boosting with early stopping) or their penalty (logistic regression) on it, then refit on all the rows with that
/// choice: the same procedure in every cross-validation fold and in the final fit, so the sweep measures what it ships.
/// </summary>
internal static class CandidateFitting
{
    /// <summary>Share of the rows an inner validation fold holds out.</summary>
    public const double InnerShare = 0.2;

    /// <summary>L2 strengths tried (ML.NET's L-BFGS: mean log loss + L2 / 2n |w|^2 on standardised features): a decade apart, from barely to strongly penalised.</summary>
    public static IReadOnlyList<double> L2Grid { get; } = [0.01, 0.1, 1, 10, 100, 1000];

    /// <summary>
    /// L1 strengths tried on top of the chosen L2 (<see cref="CandidateSpec.TunedL1Key"/>; ML.NET's scale: L1 / n |w|_1 on
    /// standardised features, so a weight stays at zero while its feature's mean log-loss gradient is below L1 / n). A feature
    /// without signal has a gradient of about 0.5 / sqrt(n) by chance, so the grid runs from barely sparse (1) to about
    /// 2 sqrt(n) on a few thousand rows (100), where most such features are dropped; half a decade apart.
    /// </summary>
    public static IReadOnlyList<double> L1Grid { get; } = [1, 3, 10, 30, 100];

    /// <summary>
    /// The L2 beside a tuned L1: ML.NET's default L2 weight, negligible against n rows' loss, there only to keep the problem
    /// strictly convex. The L1 grid is a lasso path of its own rather than L1 added on top of the chosen L2: a strong ridge
    /// has already shrunk the irrelevant weights, so L1 on top of it validates no better, while the lasso drops them
    /// (on 95 irrelevant features of 100 and 600 rows, L1 on the chosen L2 100 zeroed 3 of them; the lasso path most).
    /// </summary>
    public const double LassoL2 = 1;

    /// <param name="view">Builds a cached data view (Label and Features) over the given rows.</param>
    /// <param name="accounts">Account of each table row, when known: the inner fold keeps an account's customers together (<see cref="AccountFolds"/>).</param>
    /// <param name="matrix">
    /// Builds the given rows' vectors as one contiguous buffer, for the logistic regression (<see cref="LogisticRegressionFit"/>);
    /// null: it reads them from <paramref name="view"/> once.
    /// </param>
    /// <param name="l2Grid">The L2 strengths a tuned logistic regression tries (default <see cref="L2Grid"/>).</param>
    public static FittedCandidate Fit(MLContext ml, CandidateSpec spec, IReadOnlyList<int> rows, float[] labels,
        Func<IReadOnlyList<int>, IDataView> view, int seed, int threads = 1, string?[]? accounts = null,
        Func<IReadOnlyList<int>, TrainingMatrix>? matrix = null, IReadOnlyList<double>? l2Grid = null)
    {
        spec = spec.SuitedTo(rows.Count);
        try
        {
            if (OwnLinear(spec))
            {
                return FitLinear(ml, spec, rows, labels, matrix ?? (r => TrainingMatrix.FromView(view(r))), seed, accounts, l2Grid ?? L2Grid);
            }
            return FitSuited(ml, spec, rows, labels, view, seed, threads, accounts);
        }
        catch (ArgumentNullException e) when (spec.Trainer == CandidateSpec.LightGbm && e.ParamName == "items")
        {
            // ML.NET cannot convert a LightGBM model whose first tree found no split and has the output 0 (balanced
            // labels), dotnet/machinelearning#5022: what reaches it here has no feature that varies on these rows.
            throw new InvalidOperationException(
                $"{spec.Describe()} found no split on {rows.Count} customers: no feature separates any of them (every feature is the same for all)", e);
        }
    }

    private static FittedCandidate FitSuited(MLContext ml, CandidateSpec spec, IReadOnlyList<int> rows, float[] labels,
        Func<IReadOnlyList<int>, IDataView> view, int seed, int threads, string?[]? accounts)
    {
        if (!spec.TunesOnInnerFold)
        {
            return new FittedCandidate(spec.BuildPipeline(ml, threads).Fit(view(rows)), spec);
        }
        var (inner, validation) = AccountFolds.Shared(rows, accounts) ? GroupedInnerSplit(rows, labels, accounts!, seed) : InnerSplit(rows, labels, seed);
        // Only boosting reaches here tuning (the linear candidate tunes in FitLinear).
        var fixedSpec = Rounds(ml, spec, view(inner), view(validation), threads);
        return new FittedCandidate(fixedSpec.BuildPipeline(ml, threads).Fit(view(rows)), fixedSpec);
    }

    /// <summary>
    /// Logistic regression is fitted by the own L-BFGS (the same objective as ML.NET's trainer, OWL-QN with an L1 term, on
    /// every core, the same weights on any number of them).
    /// </summary>
    internal static bool OwnLinear(CandidateSpec spec) => spec.Trainer == CandidateSpec.LogisticRegression;

    /// <summary>
    /// The linear candidate: a fixed penalty is one fit. A tuned one tries every L2 of the grid on the inner rows (their buffer
    /// built once for the whole search) and keeps the lowest validation log loss (ties: the stronger penalty); with
    /// <see cref="CandidateSpec.TunedL1Key"/> it then tries every L1 of <see cref="L1Grid"/> (with <see cref="LassoL2"/>), one
    /// kept only where it validates better than the L2 choice (ties: the stronger). Then it refits on all rows with the choice.
    /// The L2 search is the same with or without the L1 one, so a tuned L1 never validates worse than the L2 alone; the
    /// search is 11 fits on the inner rows instead of 6.
    /// </summary>
    private static FittedCandidate FitLinear(MLContext ml, CandidateSpec spec, IReadOnlyList<int> rows, float[] labels,
        Func<IReadOnlyList<int>, TrainingMatrix> matrix, int seed, string?[]? accounts, IReadOnlyList<double> l2Grid)
    {
        var fixedSpec = spec;
        if (spec.TunesOnInnerFold)
        {
            var (inner, validation) = AccountFolds.Shared(rows, accounts) ? GroupedInnerSplit(rows, labels, accounts!, seed) : InnerSplit(rows, labels, seed);
            var innerRows = matrix(inner);
            var validationRows = matrix(validation);
            double Loss(double l2, double l1) => LogisticRegressionFit.Fit(innerRows, l2, l1).LogLoss(validationRows);
            var l2s = spec.Hyperparameters.ContainsKey(CandidateSpec.TunedL2Key) ? l2Grid : [spec.Hyperparameters.GetValueOrDefault("l2", 1)];
            // The strongest penalty unless a weaker one validates better (a loss that is not a number never does).
            var (l2Chosen, bestLoss) = Best(l2s, l2 => Loss(l2, 0), l2s.Max(), double.PositiveInfinity);
            double l1Chosen = 0;
            if (spec.Hyperparameters.ContainsKey(CandidateSpec.TunedL1Key))
            {
                double l2 = spec.Hyperparameters.ContainsKey(CandidateSpec.TunedL2Key) ? LassoL2 : l2Chosen;
                (l1Chosen, _) = Best(L1Grid, l1 => Loss(l2, l1), 0, bestLoss);
                l2Chosen = l1Chosen > 0 ? l2 : l2Chosen;
            }
            fixedSpec = Logistic(l2Chosen, l1Chosen);
        }
        var weights = LogisticRegressionFit.Fit(matrix(rows), fixedSpec.Hyperparameters["l2"], fixedSpec.Hyperparameters.GetValueOrDefault("l1"));
        return new FittedCandidate(weights.ToTransformer(ml), fixedSpec);
    }

    /// <summary>
    /// The grid value with the lowest loss, tried strongest first so that a tie keeps the stronger penalty; <paramref name="incumbent"/>
    /// (with <paramref name="incumbentLoss"/>) stays unless one validates better by more than rounding.
    /// </summary>
    private static (double Value, double Loss) Best(IReadOnlyList<double> grid, Func<double, double> loss, double incumbent, double incumbentLoss)
    {
        var best = (Value: incumbent, Loss: incumbentLoss);
        foreach (var value in grid.OrderDescending())
        {
            double l = loss(value);
            if (l < best.Loss - 1e-9)
            {
                best = (value, l);
            }
        }
        return best;
    }

    private static CandidateSpec Logistic(double l2, double l1) => new(CandidateSpec.LogisticRegression, new Dictionary<string, double> { ["l2"] = l2, ["l1"] = l1 });

    /// <summary>LightGBM with early stopping on the validation rows' log loss; the rounds it kept become the refit's iterations.</summary>
    private static CandidateSpec Rounds(MLContext ml, CandidateSpec spec, IDataView inner, IDataView validation, int threads)
    {
        var model = spec.LightGbmTrainer(ml, threads).Fit(inner, validation);
        int rounds = Math.Max(1, TreeCount(model));
        var hyperparameters = spec.Hyperparameters.Where(h => h.Key != CandidateSpec.EarlyStoppingKey).ToDictionary(h => h.Key, h => h.Value);
        hyperparameters["iterations"] = rounds;
        return spec with { Hyperparameters = hyperparameters };
    }

    private static int TreeCount(BinaryPredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> model) =>
        model.Model.SubModel.TrainedTreeEnsemble.Trees.Count;

    /// <summary>One of five account folds as the validation part: whole accounts on either side.</summary>
    private static (int[] Inner, int[] Validation) GroupedInnerSplit(IReadOnlyList<int> rows, float[] labels, string?[] accounts, int seed)
    {
        var validation = AccountFolds.Folds(rows, labels, accounts, (int)Math.Round(1 / InnerShare), seed + 31)[0];
        return ([.. rows.Where(r => !validation.Contains(r)).Order()], [.. validation.Order()]);
    }

    /// <summary>A stratified, seeded split of the rows into an inner training part and a validation fifth.</summary>
    internal static (int[] Inner, int[] Validation) InnerSplit(IReadOnlyList<int> rows, float[] labels, int seed)
    {
        var random = new Random(seed + 31);
        var inner = new List<int>();
        var validation = new List<int>();
        foreach (var group in rows.GroupBy(r => labels[r] > 0.5f).OrderBy(g => g.Key))
        {
            var shuffled = group.OrderBy(r => r).Select(r => (r, key: random.Next())).OrderBy(x => x.key).ThenBy(x => x.r).Select(x => x.r).ToArray();
            int take = Math.Max(1, (int)Math.Round(shuffled.Length * InnerShare));
            validation.AddRange(shuffled.Take(take));
            inner.AddRange(shuffled.Skip(take));
        }
        inner.Sort();
        validation.Sort();
        return ([.. inner], [.. validation]);
    }
}
