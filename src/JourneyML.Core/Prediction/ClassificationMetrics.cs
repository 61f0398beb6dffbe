namespace JourneyML.Core.Prediction;

/// <summary>One row of a reliability table: predicted against observed in one bin of predictions.</summary>
public sealed record ReliabilityBin(int Bin, int Count, double MeanPredicted, double ObservedRate);

/// <summary>One point of the ROC curve.</summary>
public sealed record RocPoint(double FalsePositiveRate, double TruePositiveRate);

/// <summary>Lift of one decile of the ranked list (decile 1 = the highest scores).</summary>
public sealed record LiftDecile(int Decile, int Count, int Positives, double Rate, double Lift);

/// <summary>
/// What a model's scores are worth on labelled rows: ranking (ROC AUC, PR-AUC), probability quality
/// (log-loss, Brier, reliability) and what a CS team with limited hours sees at the top of the list.
/// </summary>
public sealed record ClassificationMetrics(
    int Count,
    int Positives,
    double Auc,
    double PrAuc,
    double LogLoss,
    double Brier,
    double PrecisionAtTop5,
    double RecallAtTop5,
    double PrecisionAtTop10,
    double RecallAtTop10,
    IReadOnlyList<LiftDecile> Lift,
    IReadOnlyList<ReliabilityBin> Reliability,
    IReadOnlyList<RocPoint> Roc)
{
    public double BaseRate => Count == 0 ? 0 : (double)Positives / Count;

    /// <summary>Computes every metric. Scores are probabilities in [0, 1]; labels are 0 or 1.</summary>
    public static ClassificationMetrics Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException("scores and labels differ in length");
        }
        foreach (var score in scores)
        {
            if (float.IsNaN(score))
            {
                throw new ArgumentException("a score is NaN: the model produced no prediction for some row");
            }
        }
        int n = scores.Length;
        var order = RankDescending(scores);
        int positives = 0;
        double logLoss = 0, brier = 0;
        for (int i = 0; i < n; i++)
        {
            bool y = labels[i] > 0.5f;
            positives += y ? 1 : 0;
            double p = Math.Clamp(scores[i], 1e-7, 1 - 1e-7);
            logLoss -= y ? Math.Log(p) : Math.Log(1 - p);
            double e = scores[i] - (y ? 1 : 0);
            brier += e * e;
        }
        var (p5, r5) = AtTop(order, labels, 0.05, positives);
        var (p10, r10) = AtTop(order, labels, 0.10, positives);
        return new ClassificationMetrics(n, positives, RocAuc(scores, labels), AveragePrecision(order, scores, labels, positives),
            n == 0 ? double.NaN : logLoss / n, n == 0 ? double.NaN : brier / n, p5, r5, p10, r10,
            LiftByDecile(order, labels, positives), ReliabilityTable(scores, labels, 10), RocCurve(order, labels, positives, 100));
    }

    /// <summary>ROC AUC by the rank-sum (Mann-Whitney) statistic, ties counted half.</summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int n = scores.Length;
        var idx = new int[n];
        for (int i = 0; i < n; i++)
        {
            idx[i] = i;
        }
        var s = scores.ToArray();
        Array.Sort(s, idx);
        double rankSumPositive = 0;
        long positives = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && s[end + 1] == s[start])
            {
                end++;
            }
            double averageRank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
            {
                if (labels[idx[k]] > 0.5f)
                {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>PR-AUC (average precision) alone, for resampling.</summary>
    public static double PrAucOf(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        int positives = 0;
        foreach (var y in labels)
        {
            positives += y > 0.5f ? 1 : 0;
        }
        return AveragePrecision(RankDescending(scores), scores, labels, positives);
    }

    /// <summary>Area under the precision-recall curve as average precision (steps at each positive; tied scores grouped).</summary>
    private static double AveragePrecision(int[] order, ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int positives)
    {
        if (positives == 0)
        {
            return double.NaN;
        }
        double ap = 0;
        int truePositives = 0, seen = 0, i = 0;
        while (i < order.Length)
        {
            // Tied scores form one step of the curve; the first row always belongs to its own group (NaN never equals itself).
            int j = i + 1;
            int groupPositives = labels[order[i]] > 0.5f ? 1 : 0;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                groupPositives += labels[order[j]] > 0.5f ? 1 : 0;
                j++;
            }
            seen += j - i;
            truePositives += groupPositives;
            ap += groupPositives / (double)positives * (truePositives / (double)seen);
            i = j;
        }
        return ap;
    }

    private static (double Precision, double Recall) AtTop(int[] order, ReadOnlySpan<float> labels, double share, int positives)
    {
        int k = Math.Max(1, (int)Math.Round(order.Length * share));
        if (order.Length == 0)
        {
            return (double.NaN, double.NaN);
        }
        int hits = 0;
        for (int i = 0; i < k && i < order.Length; i++)
        {
            hits += labels[order[i]] > 0.5f ? 1 : 0;
        }
        return ((double)hits / k, positives == 0 ? double.NaN : (double)hits / positives);
    }

    private static List<LiftDecile> LiftByDecile(int[] order, ReadOnlySpan<float> labels, int positives)
    {
        var lift = new List<LiftDecile>();
        int n = order.Length;
        double baseRate = n == 0 ? 0 : (double)positives / n;
        for (int d = 0; d < 10; d++)
        {
            int from = d * n / 10, to = (d + 1) * n / 10;
            int hits = 0;
            for (int i = from; i < to; i++)
            {
                hits += labels[order[i]] > 0.5f ? 1 : 0;
            }
            int count = to - from;
            double rate = count == 0 ? 0 : (double)hits / count;
            lift.Add(new LiftDecile(d + 1, count, hits, rate, baseRate == 0 ? double.NaN : rate / baseRate));
        }
        return lift;
    }

    /// <summary>The ROC curve at about <paramref name="points"/> evenly spaced cut-offs of the ranked list (enough to draw it).</summary>
    private static List<RocPoint> RocCurve(int[] order, ReadOnlySpan<float> labels, int positives, int points)
    {
        int n = order.Length, negatives = n - positives;
        var curve = new List<RocPoint> { new(0, 0) };
        if (positives == 0 || negatives == 0)
        {
            return curve;
        }
        int tp = 0, fp = 0, next = 1;
        for (int i = 0; i < n; i++)
        {
            if (labels[order[i]] > 0.5f)
            {
                tp++;
            }
            else
            {
                fp++;
            }
            if (i + 1 >= (long)next * n / points || i == n - 1)
            {
                curve.Add(new RocPoint((double)fp / negatives, (double)tp / positives));
                next++;
            }
        }
        return curve;
    }

    /// <summary>Predicted against observed by equal-count bins of the prediction (deciles by default).</summary>
    public static List<ReliabilityBin> ReliabilityTable(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int bins)
    {
        var order = RankDescending(scores);
        Array.Reverse(order);
        var table = new List<ReliabilityBin>();
        int n = order.Length;
        for (int b = 0; b < bins; b++)
        {
            int from = b * n / bins, to = (b + 1) * n / bins;
            if (to <= from)
            {
                continue;
            }
            double predicted = 0, observed = 0;
            for (int i = from; i < to; i++)
            {
                predicted += scores[order[i]];
                observed += labels[order[i]] > 0.5f ? 1 : 0;
            }
            table.Add(new ReliabilityBin(b + 1, to - from, predicted / (to - from), observed / (to - from)));
        }
        return table;
    }

    /// <summary>Row indexes by descending score; ties keep row order, so the result is deterministic.</summary>
    public static int[] RankDescending(ReadOnlySpan<float> scores)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var copy = scores.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = copy[b].CompareTo(copy[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }
}
