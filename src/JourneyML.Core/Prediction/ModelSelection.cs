using System.Globalization;

namespace JourneyML.Core.Prediction;

/// <summary>One candidate's cross-validation: mean scores over every fold run, the first repeat's out-of-fold scores and fold of each row.</summary>
internal sealed record CandidateRun(double PrAuc, double Auc, double Std, double Seconds, float[] OutOfFold, int[] FoldOf, double[] RunPrAuc);

/// <summary>
/// How the candidates are compared: one k-fold pass, or below <see cref="ClassifierOptions.SmallDataRows"/> labelled
/// customers repeated cross-validation (2 x 5-fold by default), whose ten fold runs average out the luck of one split.
/// </summary>
internal sealed record CrossValidationPlan(int Folds, int Repeats, bool SmallData, int SmallDataRows)
{
    public static CrossValidationPlan For(int labelledRows, ClassifierOptions options) => labelledRows < options.SmallDataRows
        ? new(Math.Max(2, options.SmallDataFolds), Math.Max(1, options.SmallDataRepeats), true, options.SmallDataRows)
        : new(options.Folds, 1, false, options.SmallDataRows);

    /// <summary>
    /// Every fold of every repeat, the first repeat's folds first (the same folds a single pass uses). With accounts of
    /// several customers, whole accounts go to one fold (<see cref="AccountFolds"/>).
    /// </summary>
    public List<HashSet<int>> Runs(int[] train, float[] labels, int seed, string?[]? accounts)
    {
        bool grouped = AccountFolds.Shared(train, accounts);
        var runs = new List<HashSet<int>>(Folds * Repeats);
        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            int s = seed + 7919 * repeat;
            runs.AddRange(grouped ? AccountFolds.Folds(train, labels, accounts!, Folds, s) : ClassifierTraining.StratifiedFolds(train, labels, Folds, s));
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
        var (mean, standardError) = PairedDifference(results[best], results[runnerUp], folds);
        int runs = results[best].RunPrAuc.Length;
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

    /// <summary>
    /// Mean of <paramref name="a"/>'s PR-AUC minus <paramref name="b"/>'s over the fold runs both were scored on, and its
    /// standard error with Nadeau and Bengio's correction for runs that share training rows (NaN below two runs).
    /// </summary>
    public static (double Mean, double StandardError) PairedDifference(CandidateRun a, CandidateRun b, int folds)
    {
        var differences = a.RunPrAuc.Zip(b.RunPrAuc, (x, y) => x - y).ToArray();
        int runs = differences.Length;
        double mean = differences.Average();
        double sd = runs < 2 ? double.NaN : Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (runs - 1));
        return (mean, sd * Math.Sqrt(1.0 / runs + 1.0 / (folds - 1)));
    }
}

/// <summary>
/// The one-standard-error rule on small data: below <see cref="ClassifierOptions.SmallDataRows"/> labelled customers the
/// candidates' cross-validated figures differ by less than their noise on most tables, so the highest one is picked by the
/// luck of the folds, and a tree ensemble of 15 or 31 leaves a tree fitted on 150 customers ranks new customers worse than a
/// heavily regularised one more often than not. The candidate with the fewest leaves a tree whose PR-AUC is within
/// <see cref="ClassifierOptions.SimplerWithinStandardErrors"/> standard errors of the leader's (the paired, Nadeau-Bengio
/// corrected error <see cref="SelectionNoise"/> uses) is chosen instead: the data cannot tell them apart, and the simpler one
/// generalises at least as well where it cannot (Hastie, Tibshirani and Friedman, The Elements of Statistical Learning, 7.10).
/// The linear candidate is not ranked by it: on the small world's 50 seeds preferring it within one standard error lost
/// 0.015 test ROC AUC on churn and 0.008 on leads over 11 seeds, where the shallow booster gains.
/// </summary>
internal static class SimplerWithinNoise
{
    /// <summary>How flexible a tree ensemble is: its leaves a tree; null for a candidate the rule does not rank (the linear one).</summary>
    public static double? Complexity(CandidateSpec spec) =>
        spec.Trainer != CandidateSpec.LogisticRegression && spec.Hyperparameters.TryGetValue("leaves", out var leaves) ? leaves : null;

    /// <summary>The candidate to ship: the one with the fewest leaves within <paramref name="standardErrors"/> standard errors of <paramref name="leader"/>, or the leader.</summary>
    public static int Choose(IReadOnlyList<CandidateSpec> candidates, IReadOnlyList<CandidateRun> results, int leader, int folds, double standardErrors)
    {
        if (standardErrors <= 0 || Complexity(candidates[leader]) is not { } leaderLeaves)
        {
            return leader;
        }
        var simpler = Enumerable.Range(0, candidates.Count)
            .Where(c => Complexity(candidates[c]) < leaderLeaves)
            .OrderBy(c => Complexity(candidates[c])).ThenByDescending(c => results[c].PrAuc).ThenBy(c => c);
        foreach (int c in simpler)
        {
            var (lead, standardError) = SelectionNoise.PairedDifference(results[leader], results[c], folds);
            if (double.IsFinite(standardError) && lead <= standardErrors * standardError)
            {
                return c;
            }
        }
        return leader;
    }
}

/// <summary>
/// Folds that keep an account's customers together. Contacts of one account share its roll-up features and mostly its
/// fate (an account that cancels takes its contacts with it), so folds that split an account let a flexible trainer
/// recognise the account rather than the signals, and cross-validation then favours the trainer that memorises most.
/// Accounts are shuffled (seeded) within two classes (any positive customer or none) and each goes to the fold with the
/// fewest customers so far: sizes stay balanced and the classes roughly stratified.
/// </summary>
internal static class AccountFolds
{
    /// <summary>True when at least two of the rows share an account.</summary>
    public static bool Shared(IReadOnlyList<int> rows, string?[]? accounts)
    {
        if (accounts is null)
        {
            return false;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (int r in rows)
        {
            if (accounts[r] is { Length: > 0 } a && !seen.Add(a))
            {
                return true;
            }
        }
        return false;
    }

    public static HashSet<int>[] Folds(IReadOnlyList<int> rows, float[] labels, string?[] accounts, int folds, int seed)
    {
        var random = new Random(seed + 17);
        // A customer without an account is a group of one, keyed by its row.
        var groups = rows.GroupBy(r => accounts[r] is { Length: > 0 } a ? "a:" + a : "r:" + r.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .Select(g => g.Order().ToArray())
            .OrderBy(g => g[0])
            .ToList();
        var result = Enumerable.Range(0, folds).Select(_ => new HashSet<int>()).ToArray();
        var positives = new int[folds];
        foreach (var cls in groups.GroupBy(g => g.Any(r => labels[r] > 0.5f)).OrderBy(c => c.Key))
        {
            foreach (var group in cls.Select(g => (g, key: random.Next())).OrderBy(x => x.key).ThenBy(x => x.g[0]).Select(x => x.g))
            {
                // The fold with the fewest of this class so far, then the fewest rows: both stay balanced.
                int target = Enumerable.Range(0, folds).OrderBy(f => cls.Key ? positives[f] : result[f].Count - positives[f]).ThenBy(f => result[f].Count).ThenBy(f => f).First();
                foreach (int r in group)
                {
                    result[target].Add(r);
                    positives[target] += labels[r] > 0.5f ? 1 : 0;
                }
            }
        }
        return result;
    }
}
