using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace JourneyML.Api.Workspace;

/// <summary>
/// The workspace's labels: one JSON dictionary per language (Text/en.json, Text/ja.json, embedded in the assembly), every
/// key in each. A key missing from one language fails a test, and at run time shows as the key in brackets, never as
/// the other language's text.
/// </summary>
public sealed class WorkspaceText
{
    public static IReadOnlyList<string> Languages { get; } = ["ja", "en"];

    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _byLanguage;

    public WorkspaceText()
    {
        _byLanguage = Languages.ToDictionary(l => l, Load, StringComparer.Ordinal);
    }

    /// <summary>A language's dictionary as shipped.</summary>
    public IReadOnlyDictionary<string, string> Of(string language) => _byLanguage[language];

    /// <summary>The dictionary of a language from the assembly's resources.</summary>
    public static IReadOnlyDictionary<string, string> Load(string language)
    {
        var name = $"JourneyML.Api.Workspace.Text.{language}.json";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the workspace's {language} labels ({name}) are not in the assembly");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [];
    }
}

/// <summary>How one culture writes dates: the workspace formats every date and number itself (the service runs with invariant globalization).</summary>
public sealed record WorkspaceCulture(string Name, string Language, string DatePattern, string MonthPattern)
{
    public static WorkspaceCulture Japanese { get; } = new("ja-JP", "ja", "yyyy年M月d日", "yyyy/M");
    public static WorkspaceCulture AmericanEnglish { get; } = new("en-US", "en", "MMM d, yyyy", "MMM yyyy");
    public static WorkspaceCulture BritishEnglish { get; } = new("en-GB", "en", "d MMM yyyy", "MMM yyyy");

    /// <summary>
    /// The culture to format with: grouping and decimal marks are the same in ja-JP, en-US and en-GB (1,234.5), so the
    /// invariant number format with this culture's date patterns and English month abbreviations is exact for all three.
    /// </summary>
    public CultureInfo Format { get; } = Build(DatePattern);

    private static CultureInfo Build(string datePattern)
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.DateTimeFormat.ShortDatePattern = datePattern;
        culture.DateTimeFormat.LongDatePattern = datePattern;
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>The culture for a language, with the region of the browser's English when it names one.</summary>
    public static WorkspaceCulture For(string language, string? englishRegion) => language == "ja" ? Japanese
        : englishRegion is null or "US" ? AmericanEnglish : BritishEnglish;
}

/// <summary>One request's labels and formats: the language chosen, its culture, and the links that switch language.</summary>
public sealed class Ui(IReadOnlyDictionary<string, string> text, WorkspaceCulture culture, Func<string, string> switchUrl)
{
    public string Language => culture.Language;
    /// <summary>The request carries the key or a session: the header offers to sign out.</summary>
    public bool SignedIn { get; init; }
    public string CultureName => culture.Name;

    /// <summary>The label of a key; "[key]" when the dictionary lacks it (the text tests catch that before a user does).</summary>
    public string this[string key] => text.TryGetValue(key, out var value) ? value : $"[{key}]";

    /// <summary>A label with placeholders ({0}, {1}) filled in this culture.</summary>
    public string F(string key, params object?[] args) => string.Format(culture.Format, this[key], args);

    public string Number(long value) => value.ToString("N0", culture.Format);

    /// <summary>A score as a percentage with one decimal ("46.5%"), or a dash when there is none.</summary>
    public string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", culture.Format) + "%" : "–";

    /// <summary>A change in points of risk: "+24.1 pt" / "−3.0 pt", or a dash.</summary>
    public string Points(double? change) => change is { } c
        ? (c >= 0 ? "+" : "−") + Math.Abs(c * 100).ToString("0.0", culture.Format) + " " + this["unit.points"] : "–";

    public string Date(DateTime date) => date.ToString(culture.DatePattern, culture.Format);

    public string Month(DateTime date) => date.ToString(culture.MonthPattern, culture.Format);

    /// <summary>A retraining job's step ("churn model", "scoring") in this language; a step without a label as the job wrote it.</summary>
    public string Step(string step) => text.TryGetValue("jobs.step." + step, out var value) ? value : step;

    /// <summary>A buying-group role in this language: JourneyML's role names (a mapping's target) in Japanese words on a Japanese page; any other role as written.</summary>
    public string Role(string? role) => role is null ? "–" : Language == "ja" ? Core.Prediction.FactorText.RoleJapanese(role) : role;

    /// <summary>The current page in another language.</summary>
    public string SwitchUrl(string language) => switchUrl(language);
}
