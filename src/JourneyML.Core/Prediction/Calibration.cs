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
    /// <summary>
    /// The mean of the Platt and the isotonic curve: the isotonic steps follow a bend no logistic curve can, Platt's curve
    /// halves their noise. Tried on fewer rows than isotonic alone (<see cref="IsotonicCalibration.BlendApplicable"/>).
    /// </summary>
    public const string Blend = "platt-isotonic";
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

    /// <summary>
    /// The blend with Platt (<see cref="CalibrationMethod.Blend"/>) is tried from this many rows and of each class: averaged
    /// with a two-parameter curve, each step's noise counts half, so a third of isotonic's rows carry it. It must still win
    /// on cross-fitted log loss to be chosen.
    /// </summary>
    public const int BlendMinimumRows = 300;
    public const int BlendMinimumPerClass = 30;

    public static bool BlendApplicable(int rows, int positives) =>
        rows >= BlendMinimumRows && positives >= BlendMinimumPerClass && rows - positives >= BlendMinimumPerClass;

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

    /// <summary>How far the holdout's ECE can be trusted: its interval, and what chance alone gives on a holdout this size.</summary>
    public EceUncertainty? Uncertainty { get; init; }
}

/// <summary>
/// The holdout ECE's sampling noise. ECE is never zero on a finite holdout even for perfect probabilities (each bin's
/// observed rate is a binomial draw around its mean prediction), so 0.05 on 200 customers may be noise alone.
/// <see cref="Low"/>-<see cref="High"/>: a 95% bootstrap interval over the holdout's customers, corrected for the
/// bootstrap's own upward bias (<see cref="CalibrationError.DebiasedInterval"/>). <see cref="Chance"/>: the
/// mean ECE a perfectly calibrated model would show on these customers (outcomes drawn from the predicted probabilities
/// themselves), <see cref="ChanceHigh"/> its 95th percentile. <see cref="WithinChance"/>: the ECE is at most that percentile,
/// so the holdout cannot tell this model from a perfectly calibrated one.
/// </summary>
public sealed record EceUncertainty(double Low, double High, double Chance, double ChanceHigh, int Customers, int Draws, bool WithinChance, string Sentence);

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
            int b = BinOf(probabilities[i], bins);
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

    /// <summary>The equal-width bin (0 for the lowest) of a probability; 1.0 falls in the top bin.</summary>
    internal static int BinOf(float probability, int bins) => Math.Clamp((int)(probability * bins), 0, bins - 1);

    /// <summary>ECE: the row-weighted mean of |mean predicted - observed rate| over the bins.</summary>
    public static double Expected(IReadOnlyList<ReliabilityBin> bins)
    {
        int n = bins.Sum(b => b.Count);
        return n == 0 ? double.NaN : bins.Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.ObservedRate)) / n;
    }

    public static double Expected(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = 10) =>
        Expected(EqualWidthBins(probabilities, labels, bins));

    /// <summary>
    /// Bootstrap and simulation draws behind <see cref="EceUncertainty"/>: the holdout's resample count
    /// (<see cref="HoldoutIntervals.DefaultResamples"/>, where the count is justified), so that with the same seed and
    /// accounts the ECE's interval is drawn on the very resamples the AUC intervals are.
    /// </summary>
    public const int UncertaintyDraws = HoldoutIntervals.DefaultResamples;

    /// <summary>
    /// The ECE's 95% bootstrap interval and the ECE a perfectly calibrated model would show on a holdout of the same
    /// customers (each outcome drawn as a coin with the customer's own predicted probability), with one sentence saying
    /// which the measured ECE is closer to. Deterministic for a seed.
    /// </summary>
    /// <remarks>
    /// The bootstrap is the holdout's own (<see cref="HoldoutBootstrap"/>): stratified as the split that made the holdout
    /// (its positives and negatives counts are fixed by the split), and by whole accounts where customers share them, since
    /// an account's contacts churn together and a customer-level resample then understates the noise. With the same seed,
    /// draws and accounts these are exactly the resamples of the holdout's AUC intervals.
    /// </remarks>
    /// <param name="groups">Account of each row, when known (see remarks).</param>
    public static EceUncertainty Uncertainty(float[] probabilities, float[] labels, string subjects = "customers", int seed = HoldoutIntervals.BootstrapSeed,
        int draws = UncertaintyDraws, IReadOnlyList<string?>? groups = null)
    {
        int n = probabilities.Length;
        double ece = Expected(probabilities, labels);
        var binned = new BinnedProbabilities(probabilities, labels);
        var boot = new List<double>(draws);
        HoldoutBootstrap.Of(labels, groups, draws, seed)?.ForEach(weights => boot.Add(binned.Expected(weights)));
        // The chance level: outcomes drawn from the probabilities themselves, each customer once (weights of one).
        var random = new Random(seed + 4243);
        var y = new float[n];
        var chance = new double[draws];
        for (int d = 0; d < draws; d++)
        {
            for (int i = 0; i < n; i++)
            {
                y[i] = random.NextDouble() < probabilities[i] ? 1 : 0;
            }
            chance[d] = Expected(probabilities, y);
        }
        double[] sorted = [.. boot.Order()];
        Array.Sort(chance);
        // Resampling duplicates customers, which alone inflates the ECE (the chance level shows how much): the percentile
        // interval is moved back by the bootstrap's own bias, so that it brackets the estimate rather than sit above it.
        var (low, high) = DebiasedInterval(ece, sorted);
        double mean = chance.Average(), chanceHigh = Quantile(chance, 0.95);
        bool within = ece <= chanceHigh;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string interval = string.Create(inv, $"ECE {ece:F3} (95% CI {low:F3}–{high:F3})");
        string noise = string.Create(inv,
            $"a perfectly calibrated model would show {mean:F3} on average on these {n:N0} {subjects}, and up to {chanceHigh:F3} in 95% of holdouts");
        string sentence = ece < CalibrationSummary.EceAim
            ? $"{interval}: below the aim of {CalibrationSummary.EceAim.ToString("F2", inv)} ({noise})."
            : within
                ? $"{interval}: above the aim of {CalibrationSummary.EceAim.ToString("F2", inv)} but within what chance alone gives on {n.ToString("N0", inv)} {subjects} ({noise}); a larger holdout is needed to tell."
                : $"{interval}: above the aim of {CalibrationSummary.EceAim.ToString("F2", inv)} and above what chance alone gives on {n.ToString("N0", inv)} {subjects} ({noise}): the probabilities are off, read them as a ranking.";
        return new EceUncertainty(low, high, mean, chanceHigh, n, draws, within, sentence);
    }

    /// <summary>
    /// A 95% interval for a statistic whose bootstrap is biased (ECE rises on any resample): the percentile interval shifted
    /// by the bootstrap mean's excess over the estimate, floored at zero. <paramref name="sorted"/>: the bootstrap values, sorted.
    /// </summary>
    public static (double Low, double High) DebiasedInterval(double estimate, double[] sorted)
    {
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN);
        }
        double bias = sorted.Average() - estimate;
        return (Math.Max(0, Quantile(sorted, 0.025) - bias), Math.Max(0, Quantile(sorted, 0.975) - bias));
    }

    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Floor(q * (sorted.Length - 1) + 0.5), 0, sorted.Length - 1)];
}

/// <summary>The calibrator a model ships with: Platt, isotonic, their blend or none, chosen on out-of-fold log loss.</summary>
internal sealed record ChosenCalibrator(string Method, PlattCalibration Platt, IsotonicCalibration? Isotonic, IReadOnlyList<CalibratorTrial> Trials, string Reason);

/// <summary>
/// Picks the calibrator on the chosen candidate's out-of-fold scores. Each calibrator is cross-fitted over the same
/// folds that made the scores (fitted on the other folds' scores, its log loss measured on this fold's), so a flexible
/// curve gains nothing by memorising the rows it is judged on; the lowest mean log loss wins, ties to the simpler one.
/// The winner is then fitted on every out-of-fold score.
/// </summary>
internal static class CalibratorSelection
{
    /// <param name="only">A fixed kind (the backtest's refit keeps the run's): the only one tried where these rows allow it
    /// (isotonic and the blend need enough rows), otherwise Platt, and the reason says so. Null: every applicable kind.</param>
    public static ChosenCalibrator Choose(float[] scores, float[] labels, int[] foldOf, int folds, string? only = null)
    {
        int positives = labels.Count(l => l > 0.5f);
        var methods = new List<string> { CalibrationMethod.Platt, CalibrationMethod.None };
        bool isotonic = IsotonicCalibration.Applicable(scores.Length, positives);
        bool blend = IsotonicCalibration.BlendApplicable(scores.Length, positives);
        if (blend)
        {
            methods.Insert(1, CalibrationMethod.Blend);
        }
        if (isotonic)
        {
            methods.Insert(1, CalibrationMethod.Isotonic);
        }
        if (only is not null)
        {
            return Fixed(only, methods.Contains(only) ? only : CalibrationMethod.Platt, scores, labels, foldOf, folds);
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
        var (platt, curve) = Fit(method, scores, labels);
        string tried = string.Join(", ", trials.Select(t => $"{t.Method} {t.OutOfFoldLogLoss:F4}"));
        string reason = $"{method} has the lowest cross-fitted out-of-fold log loss ({tried})" + (isotonic ? "" :
            $"; isotonic not tried: {scores.Length:N0} out-of-fold rows with {positives:N0} positive " +
            $"(it needs {IsotonicCalibration.MinimumRows:N0} rows and {IsotonicCalibration.MinimumPerClass} of each class" +
            (blend ? "" : $", its blend with Platt {IsotonicCalibration.BlendMinimumRows:N0} rows and {IsotonicCalibration.BlendMinimumPerClass} of each class") + ")");
        return new ChosenCalibrator(method, platt, curve, trials, reason);
    }

    /// <summary>The kind asked for (<paramref name="wanted"/>), fitted as <paramref name="method"/>: the same where the rows allow it.</summary>
    private static ChosenCalibrator Fixed(string wanted, string method, float[] scores, float[] labels, int[] foldOf, int folds)
    {
        var (platt, curve) = Fit(method, scores, labels);
        double loss = CrossFittedLogLoss(method, scores, labels, foldOf, folds);
        string reason = method == wanted
            ? $"{method}, the kind fixed for this training, fitted on its out-of-fold scores (cross-fitted log loss {loss:F4})"
            : $"{method}: the fixed kind {wanted} needs more rows than the {scores.Length:N0} out-of-fold rows here (cross-fitted log loss {loss:F4})";
        return new ChosenCalibrator(method, platt, curve, [new CalibratorTrial(method, loss, true)], reason);
    }

    /// <summary>A calibrator of the kind fitted on every out-of-fold score: Platt's curve (identity for none) and the isotonic one where used.</summary>
    private static (PlattCalibration Platt, IsotonicCalibration? Curve) Fit(string method, float[] scores, float[] labels) =>
        (method == CalibrationMethod.None ? new PlattCalibration(1, 0) : PlattCalibration.Fit(scores, labels),
         method is CalibrationMethod.Isotonic or CalibrationMethod.Blend ? IsotonicCalibration.Fit(scores, labels) : null);

    /// <summary>The probability a calibrator gives a raw score: the one formula training, cross-fitting and scoring share.</summary>
    public static float Probability(string method, PlattCalibration platt, IsotonicCalibration? curve, float score) => method switch
    {
        CalibrationMethod.Isotonic when curve is not null => curve.Apply(score),
        CalibrationMethod.Blend when curve is not null => (curve.Apply(score) + platt.Apply(score)) / 2,
        _ => platt.Apply(score),
    };

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
            var platt = method == CalibrationMethod.None ? new PlattCalibration(1, 0) : PlattCalibration.Fit([.. fitScores], [.. fitLabels]);
            var curve = method is CalibrationMethod.Isotonic or CalibrationMethod.Blend ? IsotonicCalibration.Fit([.. fitScores], [.. fitLabels]) : null;
            float apply(float score) => Probability(method, platt, curve, score);
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
