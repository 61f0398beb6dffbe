using System.Globalization;

namespace JourneyML.Core.Prediction;

/// <summary>One candidate's cross-validation: mean scores over every fold run, the first repeat's out-of-fold scores and fold of each row.</summary>
internal sealed record CandidateRun(double PrAuc, double Auc, double Std, double Seconds, float[] OutOfFold, int[] FoldOf, double[] RunPrAuc);

/// <summary>
/// How the candidates are compared: one k-fold pass, or below <see cref="ClassifierOptions.SmallDataRows"/> labelled
/// customers repeated cross-validation (5 x 2-fold by default), whose ten fold runs average out the luck of one split.
/// </summary>
internal sealed record CrossValidationPlan(int Folds, int Repeats, bool SmallData, int SmallDataRows)
{
    public static CrossValidationPlan For(int labelledRows, ClassifierOptions options) => labelledRows < options.SmallDataRows
        ? new(Math.Max(2, options.SmallDataFolds), Math.Max(1, options.SmallDataRepeats), true, options.SmallDataRows)
        : new(options.Folds, 1, false, options.SmallDataRows);

    /// <summary>Every fold of every repeat, the first repeat's folds first (the same folds a single pass uses).</summary>
    public List<HashSet<int>> Runs(int[] train, float[] labels, int seed)
    {
        var runs = new List<HashSet<int>>(Folds * Repeats);
        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            runs.AddRange(ClassifierTraining.StratifiedFolds(train, labels, Folds, seed + 7919 * repeat));
        }
        return runs;
    }

    public string Describe(int trainRows) => SmallData
        ? string.Create(CultureInfo.InvariantCulture,
            $"{Repeats} x {Folds}-fold repeated cross-validation on {trainRows:N0} customers, since fewer than {SmallDataRows:N0} are labelled")
        : string.Create(CultureInfo.InvariantCulture, $"{Folds}-fold on {trainRows:N0} customers");
}

/// <summary>Whether the chosen candidate's lead over the runner-up is more than the cross-validation's noise, in one sentence.</summary>
internal sealed record SelectionNoise(bool WithinNoise, string Sentence)
{
    /// <summary>
    /// The runner-up is the best other candidate by CV PR-AUC. Both were scored on the same fold runs, so the noise of
    /// their difference comes from the paired per-run differences. Fold runs share training rows, so the plain standard
    /// error (sd / sqrt(runs)) is too small; Nadeau and Bengio's correction, sd * sqrt(1 / runs + test share / train share),
    /// accounts for that. A lead under twice this standard error (about a 95% interval that holds zero) is within noise:
    /// another split could have chosen the runner-up.
    /// </summary>
    public static SelectionNoise Compare(IReadOnlyList<CandidateSpec> candidates, IReadOnlyList<CandidateRun> results, int best, int folds)
    {
        if (results.Count < 2)
        {
            return new(false, "");
        }
        int runnerUp = Enumerable.Range(0, results.Count).Where(c => c != best).OrderByDescending(c => results[c].PrAuc).ThenBy(c => c).First();
        var differences = results[best].RunPrAuc.Zip(results[runnerUp].RunPrAuc, (a, b) => a - b).ToArray();
        int runs = differences.Length;
        double mean = differences.Average();
        double sd = runs < 2 ? double.NaN : Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (runs - 1));
        double standardError = sd * Math.Sqrt(1.0 / runs + 1.0 / (folds - 1));
        string other = candidates[runnerUp].Describe();
        if (!double.IsFinite(standardError))
        {
            return new(false, "");
        }
        bool within = Math.Abs(mean) < 2 * standardError;
        string sentence = within
            ? string.Create(CultureInfo.InvariantCulture,
                $"The choice is within noise: the runner-up, {other}, is {Math.Abs(mean):F3} {(mean >= 0 ? "lower" : "higher")} in CV PR-AUC, less than twice the difference's standard error " +
                $"({standardError:F3}) over the {runs} fold runs; either would rank about as well.")
            : string.Create(CultureInfo.InvariantCulture,
                $"The runner-up, {other}, is {Math.Abs(mean):F3} {(mean >= 0 ? "lower" : "higher")} in CV PR-AUC, more than twice the difference's standard error ({standardError:F3}) over the {runs} fold runs.");
        return new(within, sentence);
    }
}
