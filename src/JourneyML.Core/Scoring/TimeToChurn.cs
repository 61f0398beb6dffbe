using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Survival;

namespace JourneyML.Core.Scoring;

/// <summary>
/// Each paying customer's survival curve as a snapshot keeps it: the probability of churning within 30, 60, ..., 180 days
/// of the as-of date (<c>churn_30d</c> ... <c>churn_180d</c>) and the median time to churn (<c>median_days_to_churn</c>; empty
/// when the curve stays above one half through 180 days, or for a customer who is not paying), with the top factors of each
/// curve in words (<c>time_to_churn_factors</c>, <c>time_to_churn_factors_ja</c>).
/// </summary>
public sealed record TimeToChurn(IReadOnlyList<float[]> ChurnWithin, float[] MedianDays)
{
    public const string MedianColumn = "median_days_to_churn";

    /// <summary>The column of <see cref="Factors"/>.</summary>
    public const string FactorsColumn = "time_to_churn_factors";

    /// <summary>The column of <see cref="FactorsJapanese"/>.</summary>
    public const string FactorsJapaneseColumn = "time_to_churn_factors_ja";

    /// <summary>
    /// Each row's top factors of its time to churn in words, separated by "; ": what shortens it, or when nothing does,
    /// what lengthens it; empty for a row without a curve. Null when not written (a snapshot from before, or curves scored alone).
    /// </summary>
    public string[]? Factors { get; init; }

    /// <summary>The same factors in Japanese; null where <see cref="Factors"/> is.</summary>
    public string[]? FactorsJapanese { get; init; }

    /// <summary>A row's time-to-churn factors in a language (English where Japanese was not written); null when none were written.</summary>
    public string? FactorsIn(int row, ReasonLanguage language) =>
        language == ReasonLanguage.Japanese && FactorsJapanese is { } ja && ja[row].Length > 0 ? ja[row] : Factors?[row];

    public static string Column(int days) => $"churn_{days}d";

    public static IEnumerable<string> Columns => SurvivalCurve.Days.Select(Column).Append(MedianColumn);

    /// <summary>The curves of the paying rows of a table (other rows empty); null when the models have no survival model.</summary>
    /// <param name="topFactors">Factors in words per curve (0: curves only, as the scoring benchmark times them).</param>
    public static TimeToChurn? Score(HazardModel? model, FeatureTable table, CustomerStatus[] status, int topFactors = 0)
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
        if (topFactors <= 0)
        {
            return new TimeToChurn(within, median);
        }
        var (english, japanese) = FactorWords(model, table, paying, topFactors);
        return new TimeToChurn(within, median) { Factors = english, FactorsJapanese = japanese };
    }

    /// <summary>Each paying row's factors, English and Japanese, with the churn risk's choice of reasons (other rows empty).</summary>
    private static (string[] English, string[] Japanese) FactorWords(HazardModel model, FeatureTable table, int[] paying, int top)
    {
        var english = new string[table.RowCount];
        var japanese = new string[table.RowCount];
        Array.Fill(english, "");
        Array.Fill(japanese, "");
        var contributions = model.Contributions(table, paying);
        var vectorizer = model.Model.Vectorizer;
        for (int i = 0; i < paying.Length; i++)
        {
            int r = paying[i];
            var factors = FactorText.TopForTimeToChurn(table, r, vectorizer, contributions[i], top);
            if (factors.Count == 0)
            {
                factors = FactorText.TopForTimeToChurn(table, r, vectorizer, contributions[i], top, shortens: false);
            }
            english[r] = string.Join("; ", factors.Select(f => f.Text));
            japanese[r] = string.Join("; ", factors.Select(f => f.In(ReasonLanguage.Japanese)));
        }
        return (english, japanese);
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
