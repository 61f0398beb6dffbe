namespace JourneyML.Core.Prediction;

/// <summary>
/// One statement in English and in Japanese, written together from the same facts (as <see cref="Factor"/> is), for the
/// sentences a model version or a snapshot records: the gate's reason, the floor's verdict, the holdout's warning.
/// </summary>
public sealed record Sentence(string English, string Japanese)
{
    public string In(ReasonLanguage language) => language == ReasonLanguage.Japanese ? Japanese : English;

    /// <summary>Sentences joined, each language with its own separator ("; " and "。").</summary>
    public static Sentence Join(IEnumerable<Sentence> parts, string english = "; ", string japanese = "。")
    {
        var list = parts.ToList();
        return new(string.Join(english, list.Select(p => p.English)), string.Join(japanese, list.Select(p => p.Japanese)));
    }

    /// <summary>The recorded Japanese where one was written (null in versions written before), else the English.</summary>
    public static string In(ReasonLanguage language, string english, string? japanese) =>
        language == ReasonLanguage.Japanese && japanese is { Length: > 0 } ja ? ja : english;

    /// <summary>What a task is called in Japanese ("解約", "リード"; a ready table's conversion task "コンバージョン").</summary>
    public static string TaskJapanese(PredictionTask task, bool conversion = false) =>
        task == PredictionTask.Churn ? "解約" : conversion ? "コンバージョン" : "リード";
}
