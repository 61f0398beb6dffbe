using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>The best single feature as a ranking: which one, which way, and its ROC AUC on the holdout.</summary>
public sealed record FeatureBaseline(string Feature, string Direction, double TrainAuc, double HoldoutAuc);

/// <summary>
/// The best single feature with its score of each holdout row (in holdout order), for a paired comparison with the model,
/// and the fitted ranking itself (<see cref="Score"/>: a row of any table with that column), to measure it on fresh customers.
/// </summary>
public sealed record ScoredBaseline(FeatureBaseline Baseline, float[] HoldoutScores, Func<FeatureTable, int, float> Score);

/// <summary>
/// What a model must beat to be worth serving: one of its own features used alone as the score. Every choice is fitted
/// on the training rows only (which feature, which direction, where missing values rank, a category's rate), and the one
/// chosen is then measured on the holdout, so the baseline is out of sample exactly as the model is.
/// </summary>
public static class SingleFeatureBaseline
{
    /// <summary>Smoothing of a category's outcome rate towards the training base rate (an m-estimate: m pseudo-customers).</summary>
    private const double Smoothing = 10;

    /// <returns>Null when no feature gives a ranking (no positives or negatives in the training rows).</returns>
    public static FeatureBaseline? Best(FeatureTable table, IEnumerable<string> features, float[] labels, IReadOnlyList<int> train, IReadOnlyList<int> holdout) =>
        Scored(table, features, labels, train, holdout)?.Baseline;

    /// <summary>As <see cref="Best"/>, with the chosen feature's score of each holdout row.</summary>
    public static ScoredBaseline? Scored(FeatureTable table, IEnumerable<string> features, float[] labels, IReadOnlyList<int> train, IReadOnlyList<int> holdout)
    {
        var trainY = train.Select(r => labels[r]).ToArray();
        var holdoutY = holdout.Select(r => labels[r]).ToArray();
        ScoredBaseline? best = null;
        foreach (var name in features)
        {
            var column = table.Find(name);
            var fitted = column switch
            {
                NumericColumn n => Numeric(n.Values, train, trainY),
                CategoricalColumn c => Categorical(c.Values, train, trainY),
                _ => null,
            };
            if (fitted is not { } f || double.IsNaN(f.TrainAuc) || (best is not null && f.TrainAuc <= best.Baseline.TrainAuc))
            {
                continue;
            }
            var scores = holdout.Select(r => f.Score(column!, r)).ToArray();
            best = new ScoredBaseline(new FeatureBaseline(name, f.Direction, f.TrainAuc, ClassificationMetrics.RocAuc(scores, holdoutY)), scores,
                (other, r) => f.Score(other.Find(name) ?? throw new InvalidOperationException($"the table has no column '{name}'"), r));
        }
        return best;
    }

    /// <summary>A fitted ranking: the score of a row of the feature's column (of the training table, or another with the same column).</summary>
    private sealed record Fitted(Func<FeatureColumn, int, float> Score, string Direction, double TrainAuc);

    /// <summary>Higher or lower values first, missing values ranked lowest or highest: whichever of the four ranks the training rows best.</summary>
    private static Fitted? Numeric(float[] values, IReadOnlyList<int> train, float[] trainY)
    {
        Fitted? best = null;
        foreach (var sign in new[] { 1f, -1f })
        {
            foreach (var missing in new[] { float.MinValue, float.MaxValue })
            {
                float s = sign, m = missing;
                float Score(float[] v, int r) => float.IsNaN(v[r]) ? m : s * v[r];
                double auc = ClassificationMetrics.RocAuc(train.Select(r => Score(values, r)).ToArray(), trainY);
                if (!double.IsNaN(auc) && (best is null || auc > best.TrainAuc))
                {
                    string direction = (sign > 0 ? "higher values first" : "lower values first") + (missing == float.MaxValue ? ", missing first" : ", missing last");
                    best = new Fitted((column, r) => Score(((NumericColumn)column).Values, r), direction, auc);
                }
            }
        }
        return best;
    }

    /// <summary>
    /// Each category scored by its smoothed outcome rate on the training rows; unseen categories by the base rate. The
    /// training AUC that picks the feature is out of fold (5 folds: a customer's category rate comes from the other four),
    /// so a column with a category per customer does not look perfect on the rows it was fitted on. (Leave-one-out would
    /// rank each category's positives below its negatives and understate every categorical feature.)
    /// </summary>
    private static Fitted? Categorical(string?[] values, IReadOnlyList<int> train, float[] trainY)
    {
        const int folds = 5;
        double prior = trainY.Average(y => y > 0.5f ? 1.0 : 0.0);
        var all = Rates(values, train, trainY, _ => true);
        var outOfFold = new float[train.Count];
        for (int f = 0; f < folds; f++)
        {
            var others = Rates(values, train, trainY, i => i % folds != f);
            for (int i = f; i < train.Count; i += folds)
            {
                outOfFold[i] = Rate(others, values[train[i]], prior);
            }
        }
        return new Fitted((column, r) => Rate(all, ((CategoricalColumn)column).Values[r], prior), "categories by their outcome rate", ClassificationMetrics.RocAuc(outOfFold, trainY));
    }

    private static Dictionary<string, (double Positives, int Count)> Rates(string?[] values, IReadOnlyList<int> train, float[] trainY, Func<int, bool> include)
    {
        var counts = new Dictionary<string, (double Positives, int Count)>(StringComparer.Ordinal);
        for (int i = 0; i < train.Count; i++)
        {
            if (include(i))
            {
                var key = values[train[i]] ?? "\0";
                var (p, n) = counts.GetValueOrDefault(key);
                counts[key] = (p + (trainY[i] > 0.5f ? 1 : 0), n + 1);
            }
        }
        return counts;
    }

    private static float Rate(Dictionary<string, (double Positives, int Count)> counts, string? value, double prior) =>
        counts.TryGetValue(value ?? "\0", out var c) ? (float)((c.Positives + Smoothing * prior) / (c.Count + Smoothing)) : (float)prior;
}
