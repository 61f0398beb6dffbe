namespace JourneyML.Core.Prediction;

/// <summary>
/// The stratified bootstrap of a holdout, drawn once and measured as weights. Each resample draws as many units (rows, or
/// whole accounts where rows share accounts) as the holdout has, units holding a positive from those and the others from
/// the others, as the split held them out; a resample is handed over as how many times each row was drawn. Every metric
/// measured on one pass over the draws (ROC AUC, PR-AUC, the AUC difference against a baseline, the ECE) sees exactly
/// the same resamples, and no resample copies or re-sorts the holdout: each metric walks an order sorted once
/// (<see cref="RankedScores"/>) and sums the weights, O(n) a resample instead of O(n log n) and two arrays.
/// </summary>
internal sealed class HoldoutBootstrap
{
    private readonly int[][] _positives;
    private readonly int[][] _negatives;
    private readonly int _rows;

    private HoldoutBootstrap(int rows, int[][] positives, int[][] negatives, int resamples, int seed)
    {
        _rows = rows;
        _positives = positives;
        _negatives = negatives;
        Resamples = resamples;
        Seed = seed;
    }

    public int Resamples { get; }
    public int Seed { get; }

    /// <summary>The draws over these labels; null when a class is missing or no resample is asked for (no interval then).</summary>
    /// <param name="groups">Account of each row, when known: where accounts are shared, whole accounts are the units.</param>
    public static HoldoutBootstrap? Of(ReadOnlySpan<float> labels, IReadOnlyList<string?>? groups, int resamples, int seed)
    {
        var y = labels.ToArray();
        var units = Units(y.Length, groups);
        var positives = units.Where(u => u.Any(i => y[i] > 0.5f)).ToArray();
        var negatives = units.Where(u => u.All(i => y[i] <= 0.5f)).ToArray();
        return positives.Length == 0 || negatives.Length == 0 || resamples <= 0 ? null : new HoldoutBootstrap(y.Length, positives, negatives, resamples, seed);
    }

    /// <summary>
    /// Calls <paramref name="measure"/> once per resample, in order, with the number of times each row was drawn (the
    /// array is reused: read it, do not keep it). Seeded: the same draws every time.
    /// </summary>
    public void ForEach(Action<int[]> measure)
    {
        var random = new Random(Seed);
        var weights = new int[_rows];
        for (int b = 0; b < Resamples; b++)
        {
            Array.Clear(weights);
            foreach (var pool in new[] { _positives, _negatives })
            {
                for (int k = 0; k < pool.Length; k++)
                {
                    foreach (int row in pool[random.Next(pool.Length)])
                    {
                        weights[row]++;
                    }
                }
            }
            measure(weights);
        }
    }

    /// <summary>The resampling units: each account's rows together where accounts are shared, otherwise each row alone.</summary>
    private static int[][] Units(int rows, IReadOnlyList<string?>? groups)
    {
        if (groups is null || groups.Count != rows)
        {
            return [.. Enumerable.Range(0, rows).Select(i => new[] { i })];
        }
        return [.. Enumerable.Range(0, rows)
            .GroupBy(i => groups[i] is { Length: > 0 } g ? "a:" + g : "r:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .OrderBy(u => u[0])];
    }

    /// <summary>The 2.5th and 97.5th percentiles of the values (sorted in place); no interval without values.</summary>
    public static Interval95 Percentiles(double[] values)
    {
        if (values.Length == 0)
        {
            return new Interval95(double.NaN, double.NaN);
        }
        Array.Sort(values);
        return new Interval95(values[(int)(0.025 * (values.Length - 1))], values[(int)Math.Ceiling(0.975 * (values.Length - 1))]);
    }
}

/// <summary>
/// Scores sorted once, with their groups of tied scores, so that ROC AUC and average precision of any weighting of the
/// rows (a bootstrap resample) are one walk over the order. A row drawn twice ties with itself, so the weighted figures
/// equal those of the resample written out row by row, ties counted as <see cref="ClassificationMetrics"/> counts them.
/// </summary>
internal sealed class RankedScores
{
    /// <summary>Rows by ascending score.</summary>
    private readonly int[] _order;
    /// <summary>Start of each group of tied scores in <see cref="_order"/>, and one past the end.</summary>
    private readonly int[] _groupStarts;
    private readonly bool[] _positive;

    public RankedScores(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int n = scores.Length;
        _order = new int[n];
        for (int i = 0; i < n; i++)
        {
            _order[i] = i;
        }
        var keys = scores.ToArray();
        Array.Sort(keys, _order);
        var starts = new List<int>();
        for (int i = 0; i < n; i++)
        {
            // NaN never equals itself: each NaN score is a group of its own, as ClassificationMetrics has it.
            if (i == 0 || keys[i] != keys[i - 1])
            {
                starts.Add(i);
            }
        }
        starts.Add(n);
        _groupStarts = [.. starts];
        _positive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            _positive[i] = labels[i] > 0.5f;
        }
    }

    /// <summary>Weighted ROC AUC (Mann-Whitney, ties half): the share of positive-negative pairs ranked the right way round.</summary>
    public double RocAuc(int[] weights)
    {
        double below = 0, pairs = 0, positives = 0;
        for (int g = 0; g + 1 < _groupStarts.Length; g++)
        {
            double pos = 0, neg = 0;
            for (int k = _groupStarts[g]; k < _groupStarts[g + 1]; k++)
            {
                int row = _order[k];
                if (_positive[row])
                {
                    pos += weights[row];
                }
                else
                {
                    neg += weights[row];
                }
            }
            pairs += pos * (below + neg / 2);
            below += neg;
            positives += pos;
        }
        return positives == 0 || below == 0 ? double.NaN : pairs / (positives * below);
    }

    /// <summary>Weighted average precision: from the highest score down, each tie group one step of the precision-recall curve.</summary>
    public double AveragePrecision(int[] weights)
    {
        double total = 0;
        for (int i = 0; i < _positive.Length; i++)
        {
            total += _positive[i] ? weights[i] : 0;
        }
        if (total == 0)
        {
            return double.NaN;
        }
        double ap = 0, truePositives = 0, seen = 0;
        for (int g = _groupStarts.Length - 2; g >= 0; g--)
        {
            double pos = 0, all = 0;
            for (int k = _groupStarts[g]; k < _groupStarts[g + 1]; k++)
            {
                int row = _order[k];
                all += weights[row];
                pos += _positive[row] ? weights[row] : 0;
            }
            if (all == 0)
            {
                continue;
            }
            seen += all;
            truePositives += pos;
            ap += pos / total * (truePositives / seen);
        }
        return ap;
    }
}

/// <summary>The expected calibration error (<see cref="CalibrationError.Expected(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>) of any weighting of the rows: each row's bin found once.</summary>
internal sealed class BinnedProbabilities
{
    private readonly int[] _bin;
    private readonly float[] _probabilities;
    private readonly bool[] _positive;
    private readonly double[] _predicted;
    private readonly double[] _observed;

    public BinnedProbabilities(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = 10)
    {
        int n = probabilities.Length;
        _bin = new int[n];
        _probabilities = probabilities.ToArray();
        _positive = new bool[n];
        for (int i = 0; i < n; i++)
        {
            _bin[i] = CalibrationError.BinOf(probabilities[i], bins);
            _positive[i] = labels[i] > 0.5f;
        }
        _predicted = new double[bins];
        _observed = new double[bins];
    }

    /// <summary>The row-weighted mean over bins of |mean predicted − observed rate|: Σ over bins |Σ w p − Σ w y| / Σ w.</summary>
    public double Expected(int[] weights)
    {
        Array.Clear(_predicted);
        Array.Clear(_observed);
        double total = 0;
        for (int i = 0; i < _bin.Length; i++)
        {
            int w = weights[i];
            if (w == 0)
            {
                continue;
            }
            _predicted[_bin[i]] += w * (double)_probabilities[i];
            _observed[_bin[i]] += _positive[i] ? w : 0;
            total += w;
        }
        if (total == 0)
        {
            return double.NaN;
        }
        double sum = 0;
        for (int b = 0; b < _predicted.Length; b++)
        {
            sum += Math.Abs(_predicted[b] - _observed[b]);
        }
        return sum / total;
    }
}
