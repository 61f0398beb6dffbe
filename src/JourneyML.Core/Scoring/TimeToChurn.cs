using JourneyML.Core.Features;
using JourneyML.Core.Survival;

namespace JourneyML.Core.Scoring;

/// <summary>
/// Each paying customer's survival curve as a snapshot keeps it: the probability of churning within 30, 60, ..., 180 days
/// of the as-of date (<c>churn_30d</c> ... <c>churn_180d</c>) and the median time to churn (<c>median_days_to_churn</c>; empty
/// when the curve stays above one half through 180 days, or for a customer who is not paying).
/// </summary>
public sealed record TimeToChurn(IReadOnlyList<float[]> ChurnWithin, float[] MedianDays)
{
    public const string MedianColumn = "median_days_to_churn";

    public static string Column(int days) => $"churn_{days}d";

    public static IEnumerable<string> Columns => SurvivalCurve.Days.Select(Column).Append(MedianColumn);

    /// <summary>The curves of the paying rows of a table (other rows empty); null when the models have no survival model.</summary>
    public static TimeToChurn? Score(HazardModel? model, FeatureTable table, CustomerStatus[] status)
    {
        if (model is null)
        {
            return null;
        }
        int n = table.RowCount;
        var paying = Enumerable.Range(0, n).Where(r => status[r] == CustomerStatus.Customer).ToArray();
        var curves = model.Curves(table, paying);
        var within = SurvivalCurve.Days.Select(_ => Empty(n)).ToArray();
        var median = Empty(n);
        for (int i = 0; i < paying.Length; i++)
        {
            for (int d = 0; d < within.Length; d++)
            {
                within[d][paying[i]] = (float)curves[i].ChurnWithin(SurvivalCurve.Days[d]);
            }
            median[paying[i]] = curves[i].MedianDays is { } m ? (float)m : float.NaN;
        }
        return new TimeToChurn(within, median);
    }

    /// <summary>The curve of one row, or null for a row without one (not paying).</summary>
    public SurvivalCurve? Curve(int row) =>
        float.IsNaN(ChurnWithin[0][row]) ? null : new SurvivalCurve([.. ChurnWithin.Select(c => 1 - (double)c[row])]);

    /// <summary>The probability of churning within the given days (one of <see cref="SurvivalCurve.Days"/>, or read off the curve).</summary>
    public float Within(int row, int days)
    {
        int i = SurvivalCurve.Days.ToList().IndexOf(days);
        return i >= 0 ? ChurnWithin[i][row] : Curve(row) is { } c ? (float)c.ChurnWithin(days) : float.NaN;
    }

    private static float[] Empty(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
