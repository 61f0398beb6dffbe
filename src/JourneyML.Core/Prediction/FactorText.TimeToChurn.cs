using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>
/// The reasons of a customer's time to churn: the same facts and phrases as the churn risk's reasons, with the way each
/// moves the survival curve ("(shortens time to churn)": it raises the hazard of churning in the coming periods).
/// </summary>
public static partial class FactorText
{
    /// <summary>The direction of a time-to-churn reason in English.</summary>
    public static string TimeToChurnDirection(bool shortens) => $" ({(shortens ? "shortens" : "lengthens")} time to churn)";

    /// <summary>The direction of a time-to-churn reason in Japanese.</summary>
    public static string TimeToChurnDirectionJapanese(bool shortens) => shortens ? "（解約を早める要因）" : "（解約を遅らせる要因）";

    /// <summary>
    /// The strongest contributions to a customer's hazard over <paramref name="features"/> in the given direction
    /// (<paramref name="shortens"/>: positive, a higher hazard, an earlier churn), in English and Japanese, with the same
    /// choice of reasons as <see cref="Top(FeatureTable, int, FeatureVectorizer, float[], int, PredictionTask, bool, string?)"/>.
    /// </summary>
    public static IReadOnlyList<Factor> TopForTimeToChurn(FeatureTable table, int row, FeatureVectorizer vectorizer, float[] contributions, int count, bool shortens = true) =>
        Ranked(table, row, vectorizer.Features, contributions, count, shortens, vectorizer.ConstantWhenPresent,
            TimeToChurnDirection(shortens), TimeToChurnDirectionJapanese(shortens));
}
