namespace JourneyML.Core.Prediction;

/// <summary>How a raw score becomes a probability: which calibrator a model uses.</summary>
public static class CalibrationMethod
{
    /// <summary>Platt scaling: a logistic curve on the raw score.</summary>
    public const string Platt = "platt";
    /// <summary>Isotonic regression (pool-adjacent-violators): any non-decreasing curve.</summary>
    public const string Isotonic = "isotonic";
    /// <summary>The trainer's own link, the logistic of the raw score, unfitted.</summary>
    public const string None = "none";
}

/// <summary>
/// Isotonic calibration: the non-decreasing step function of the raw score that fits the out-of-fold labels best
/// (pool-adjacent-violators), read between steps by linear interpolation so that customers with different scores keep
/// their order, and flat beyond the first and last step. <see cref="Scores"/> are the blocks' mean raw scores (strictly
/// increasing), <see cref="Probabilities"/> their smoothed positive rates (non-decreasing).
/// </summary>
public sealed record IsotonicCalibration(IReadOnlyList<double> Scores, IReadOnlyList<double> Probabilities)
{
    /// <summary>
    /// Below this many calibration rows, or this many of either class, isotonic is not tried: each step's rate rests on
    /// its own block of customers, and with fewer rows the top steps (the customers a CS team calls first) rest on a
    /// handful of churners. Platt's two parameters need far fewer. scikit-learn's guide gives the same order (isotonic
    /// overfits below about 1,000 calibration rows).
    /// </summary>
    public const int MinimumRows = 1_000;
    public const int MinimumPerClass = 100;

    public static bool Applicable(int rows, int positives) => rows >= MinimumRows && positives >= MinimumPerClass && rows - positives >= MinimumPerClass;

    public float Apply(float score)
    {
        var x = Scores;
        var y = Probabilities;
        if (score <= x[0])
        {
            return (float)y[0];
        }
        if (score >= x[^1])
        {
            return (float)y[^1];
        }
        int lo = 0, hi = x.Count - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (x[mid] <= score)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        double t = (score - x[lo]) / (x[hi] - x[lo]);
        return (float)(y[lo] + t * (y[hi] - y[lo]));
    }

    /// <summary>
    /// Pool-adjacent-violators over the rows sorted by score (tied scores pooled first, since they cannot be told apart).
    /// Each block's rate is smoothed towards the overall base rate by one pseudo-row, so no step says 0 or 1 outright:
    /// a block of 12 customers with no churner is not a certainty, and a log loss on new customers must stay finite.
    /// </summary>
    public static IsotonicCalibration Fit(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int n = scores.Length;
        if (n == 0)
        {
            throw new ArgumentException("isotonic calibration needs at least one row");
        }
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double baseRate = 0;
        foreach (var label in labels)
        {
            baseRate += label > 0.5f ? 1 : 0;
        }
        baseRate /= n;
        // Blocks on a stack: sum of scores, positives, count.
        var sumScore = new List<double>();
        var sumPositive = new List<double>();
        var count = new List<double>();
        int k = 0;
        while (k < n)
        {
            int end = k;
            double s = 0, p = 0;
            while (end < n && keys[end] == keys[k])
            {
                s += keys[end];
                p += labels[order[end]] > 0.5f ? 1 : 0;
                end++;
            }
            sumScore.Add(s);
            sumPositive.Add(p);
            count.Add(end - k);
            // Merge while the previous block's rate is not below this one's.
            while (count.Count > 1 && sumPositive[^2] / count[^2] >= sumPositive[^1] / count[^1])
            {
                sumScore[^2] += sumScore[^1];
                sumPositive[^2] += sumPositive[^1];
                count[^2] += count[^1];
                sumScore.RemoveAt(sumScore.Count - 1);
                sumPositive.RemoveAt(sumPositive.Count - 1);
                count.RemoveAt(count.Count - 1);
            }
            k = end;
        }
        // Smoothing shrinks a small block more than a large one, which can reverse two neighbours: pool those again,
        // weighted by their rows (pseudo-row included), so the curve never falls.
        var x = new List<double>();
        var y = new List<double>();
        var weight = new List<double>();
        var rows = new List<double>();
        for (int b = 0; b < count.Count; b++)
        {
            x.Add(sumScore[b]);
            rows.Add(count[b]);
            y.Add((sumPositive[b] + baseRate) / (count[b] + 1));
            weight.Add(count[b] + 1);
            while (y.Count > 1 && y[^2] > y[^1])
            {
                y[^2] = (y[^2] * weight[^2] + y[^1] * weight[^1]) / (weight[^2] + weight[^1]);
                weight[^2] += weight[^1];
                x[^2] += x[^1];
                rows[^2] += rows[^1];
                x.RemoveAt(x.Count - 1);
                y.RemoveAt(y.Count - 1);
                weight.RemoveAt(weight.Count - 1);
                rows.RemoveAt(rows.Count - 1);
            }
        }
        return new IsotonicCalibration([.. x.Select((sum, b) => sum / rows[b])], [.. y]);
    }

    /// <summary>A saved curve must be readable as one: same lengths, increasing scores, rates in [0, 1] that never fall.</summary>
    public string? Problem()
    {
        if (Scores is null || Probabilities is null || Scores.Count == 0 || Scores.Count != Probabilities.Count)
        {
            return "the isotonic calibration needs as many scores as probabilities, at least one";
        }
        for (int i = 0; i < Scores.Count; i++)
        {
            if (!double.IsFinite(Scores[i]) || !(Probabilities[i] is >= 0 and <= 1))
            {
                return $"the isotonic calibration's step {i + 1} is not a finite score with a probability in [0, 1]";
            }
            if (i > 0 && (Scores[i] <= Scores[i - 1] || Probabilities[i] < Probabilities[i - 1]))
            {
                return $"the isotonic calibration is not increasing at step {i + 1}";
            }
        }
        return null;
    }
}

/// <summary>One calibrator tried on the out-of-fold scores, with its cross-fitted log loss.</summary>
public sealed record CalibratorTrial(string Method, double OutOfFoldLogLoss, bool Chosen);

/// <summary>
/// Which calibrator the model uses and why, and how well calibrated it is on the holdout: the expected calibration
/// error over ten equal-width bins of the predicted probability, with those bins (the reliability chart's points).
/// </summary>
public sealed record CalibrationSummary(
    string Method,
    string Reason,
    IReadOnlyList<CalibratorTrial> Trials,
    double HoldoutEce,
    IReadOnlyList<ReliabilityBin> HoldoutBins)
{
    /// <summary>The aim for the holdout's expected calibration error.</summary>
    public const double EceAim = 0.03;
}

/// <summary>Expected calibration error and the equal-width reliability bins it is computed from.</summary>
public static class CalibrationError
{
    /// <summary>
    /// Rows in <paramref name="bins"/> equal-width bins of the probability ([0, 0.1), ..., [0.9, 1.0]), each bin's mean
    /// prediction against its observed rate; empty bins are left out. Bin numbers run from 1 (lowest).
    /// </summary>
    public static List<ReliabilityBin> EqualWidthBins(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = 10)
    {
        var count = new int[bins];
        var predicted = new double[bins];
        var observed = new double[bins];
        for (int i = 0; i < probabilities.Length; i++)
        {
            int b = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            count[b]++;
            predicted[b] += probabilities[i];
            observed[b] += labels[i] > 0.5f ? 1 : 0;
        }
        var table = new List<ReliabilityBin>();
        for (int b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                table.Add(new ReliabilityBin(b + 1, count[b], predicted[b] / count[b], observed[b] / count[b]));
            }
        }
        return table;
    }

    /// <summary>ECE: the row-weighted mean of |mean predicted - observed rate| over the bins.</summary>
    public static double Expected(IReadOnlyList<ReliabilityBin> bins)
    {
        int n = bins.Sum(b => b.Count);
        return n == 0 ? double.NaN : bins.Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.ObservedRate)) / n;
    }

    public static double Expected(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = 10) =>
        Expected(EqualWidthBins(probabilities, labels, bins));
}

/// <summary>The calibrator a model ships with: Platt, isotonic or none, chosen on out-of-fold log loss.</summary>
internal sealed record ChosenCalibrator(string Method, PlattCalibration Platt, IsotonicCalibration? Isotonic, IReadOnlyList<CalibratorTrial> Trials, string Reason);

/// <summary>
/// Picks the calibrator on the chosen candidate's out-of-fold scores. Each calibrator is cross-fitted over the same
/// folds that made the scores (fitted on the other folds' scores, its log loss measured on this fold's), so a flexible
/// curve gains nothing by memorising the rows it is judged on; the lowest mean log loss wins, ties to the simpler one.
/// The winner is then fitted on every out-of-fold score.
/// </summary>
internal static class CalibratorSelection
{
    public static ChosenCalibrator Choose(float[] scores, float[] labels, int[] foldOf, int folds)
    {
        int positives = labels.Count(l => l > 0.5f);
        var methods = new List<string> { CalibrationMethod.Platt, CalibrationMethod.None };
        bool isotonic = IsotonicCalibration.Applicable(scores.Length, positives);
        if (isotonic)
        {
            methods.Insert(1, CalibrationMethod.Isotonic);
        }
        var losses = methods.Select(m => CrossFittedLogLoss(m, scores, labels, foldOf, folds)).ToArray();
        int best = 0;
        for (int i = 1; i < losses.Length; i++)
        {
            if (losses[i] < losses[best] - 1e-9)
            {
                best = i;
            }
        }
        var trials = methods.Select((m, i) => new CalibratorTrial(m, losses[i], i == best)).ToList();
        string method = methods[best];
        var platt = method == CalibrationMethod.None ? new PlattCalibration(1, 0) : PlattCalibration.Fit(scores, labels);
        var curve = method == CalibrationMethod.Isotonic ? IsotonicCalibration.Fit(scores, labels) : null;
        string tried = string.Join(", ", trials.Select(t => $"{t.Method} {t.OutOfFoldLogLoss:F4}"));
        string reason = $"{method} has the lowest cross-fitted out-of-fold log loss ({tried})" + (isotonic ? "" :
            $"; isotonic not tried: {scores.Length:N0} out-of-fold rows with {positives:N0} positive " +
            $"(it needs {IsotonicCalibration.MinimumRows:N0} rows and {IsotonicCalibration.MinimumPerClass} of each class)");
        return new ChosenCalibrator(method, platt, curve, trials, reason);
    }

    private static double CrossFittedLogLoss(string method, float[] scores, float[] labels, int[] foldOf, int folds)
    {
        double loss = 0;
        for (int f = 0; f < folds; f++)
        {
            var fitScores = new List<float>();
            var fitLabels = new List<float>();
            for (int i = 0; i < scores.Length; i++)
            {
                if (foldOf[i] != f)
                {
                    fitScores.Add(scores[i]);
                    fitLabels.Add(labels[i]);
                }
            }
            Func<float, float> apply = method switch
            {
                CalibrationMethod.Platt => PlattCalibration.Fit([.. fitScores], [.. fitLabels]).Apply,
                CalibrationMethod.Isotonic => IsotonicCalibration.Fit([.. fitScores], [.. fitLabels]).Apply,
                _ => new PlattCalibration(1, 0).Apply,
            };
            for (int i = 0; i < scores.Length; i++)
            {
                if (foldOf[i] == f)
                {
                    double p = Math.Clamp(apply(scores[i]), 1e-7, 1 - 1e-7);
                    loss -= labels[i] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
                }
            }
        }
        return loss / Math.Max(1, scores.Length);
    }
}
