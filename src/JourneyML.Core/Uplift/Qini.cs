namespace JourneyML.Core.Uplift;

/// <summary>One point of a Qini curve: after contacting this share of the holdout, ranked, the churners saved so far.</summary>
public sealed record QiniPoint(double Share, double Saved);

/// <summary>
/// A Qini curve on the holdout: customers ranked by a score, and for each share contacted the expected churners saved
/// (the sum of the customers' doubly robust scores, so the curve needs no randomised arm to be unbiased where the
/// models are right, and none of the treated-versus-untreated imbalance of a plain one). The coefficient is the area
/// between the curve and the straight line of contacting at random, per customer of the holdout: how many more
/// churners per 100 customers the ranking saves than random contact, averaged over every budget.
/// </summary>
public sealed record QiniCurve(IReadOnlyList<QiniPoint> Points, double Coefficient)
{
    /// <summary>Points kept per curve (the report's chart and the API's answer).</summary>
    public const int Resolution = 20;

    public static QiniCurve Of(IReadOnlyList<double> ranking, IReadOnlyList<double> saved)
    {
        int n = ranking.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => ranking[i]).ThenBy(i => i).ToArray();
        double total = saved.Sum();
        var cumulative = new double[n + 1];
        for (int k = 0; k < n; k++)
        {
            cumulative[k + 1] = cumulative[k] + saved[order[k]];
        }
        // Trapezoids over k/n: the area under the curve minus the random line's (total / 2), per customer.
        double area = 0;
        for (int k = 1; k <= n; k++)
        {
            area += (cumulative[k - 1] + cumulative[k]) / 2 / n;
        }
        double coefficient = n == 0 ? double.NaN : (area - total / 2) / n;
        var points = Enumerable.Range(0, Resolution + 1)
            .Select(j => new QiniPoint((double)j / Resolution, Math.Round(cumulative[(int)Math.Round((double)j / Resolution * n)], 4)))
            .ToList();
        return new QiniCurve(points, coefficient);
    }
}
