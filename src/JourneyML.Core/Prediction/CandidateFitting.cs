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

    /// <param name="view">Builds a cached data view (Label and Features) over the given rows.</param>
    /// <param name="accounts">Account of each table row, when known: the inner fold keeps an account's customers together (<see cref="AccountFolds"/>).</param>
    /// <param name="l2Grid">The L2 strengths a tuned logistic regression tries (default <see cref="L2Grid"/>).</param>
    public static FittedCandidate Fit(MLContext ml, CandidateSpec spec, IReadOnlyList<int> rows, float[] labels,
        Func<IReadOnlyList<int>, IDataView> view, int seed, int threads = 1, string?[]? accounts = null, IReadOnlyList<double>? l2Grid = null)
    {
        spec = spec.SuitedTo(rows.Count);
        try
        {
            return FitSuited(ml, spec, rows, labels, view, seed, threads, accounts, l2Grid ?? L2Grid);
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
        Func<IReadOnlyList<int>, IDataView> view, int seed, int threads, string?[]? accounts, IReadOnlyList<double> l2Grid)
    {
        if (!spec.TunesOnInnerFold)
        {
            return new FittedCandidate(spec.BuildPipeline(ml, threads).Fit(view(rows)), spec);
        }
        var (inner, validation) = AccountFolds.Shared(rows, accounts) ? GroupedInnerSplit(rows, labels, accounts!, seed) : InnerSplit(rows, labels, seed);
        var fixedSpec = spec.Hyperparameters.ContainsKey(CandidateSpec.EarlyStoppingKey)
            ? Rounds(ml, spec, view(inner), view(validation), threads)
            : Penalty(ml, spec, view(inner), validation, labels, view, threads, l2Grid);
        return new FittedCandidate(fixedSpec.BuildPipeline(ml, threads).Fit(view(rows)), fixedSpec);
    }

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

    /// <summary>Logistic regression at every L2 of the grid on the inner rows; the lowest validation log loss wins (ties: the stronger penalty).</summary>
    private static CandidateSpec Penalty(MLContext ml, CandidateSpec spec, IDataView inner, IReadOnlyList<int> validation, float[] labels,
        Func<IReadOnlyList<int>, IDataView> view, int threads, IReadOnlyList<double> l2Grid)
    {
        var validationView = view(validation);
        var truth = validation.Select(r => labels[r]).ToArray();
        CandidateSpec? best = null;
        double bestLoss = double.PositiveInfinity;
        foreach (var l2 in l2Grid.OrderDescending())
        {
            var candidate = new CandidateSpec(CandidateSpec.LogisticRegression, new Dictionary<string, double> { ["l2"] = l2, ["l1"] = 0 });
            var model = candidate.BuildPipeline(ml, threads).Fit(inner);
            double loss = LogLoss(ml, model.Transform(validationView), truth);
            if (loss < bestLoss - 1e-9)
            {
                (best, bestLoss) = (candidate, loss);
            }
        }
        return best ?? spec;
    }

    /// <summary>Mean log loss of the trainer's own probability (the logistic of its score) on scored rows.</summary>
    private static double LogLoss(MLContext ml, IDataView scored, float[] truth)
    {
        double loss = 0;
        int i = 0;
        foreach (var row in ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: true))
        {
            double p = Math.Clamp(1 / (1 + Math.Exp(-row.Score)), 1e-7, 1 - 1e-7);
            loss -= truth[i++] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }
        return loss / Math.Max(1, i);
    }

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
