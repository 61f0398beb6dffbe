using System.Text.RegularExpressions;
using JourneyML.Api.Workspace;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Workspace.Tests;

/// <summary>Every label in both languages: the dictionaries have the same keys, and every key the pages use is in them.</summary>
public sealed partial class WorkspaceTextTests
{
    private static IReadOnlyDictionary<string, string> Ja => WorkspaceText.Load("ja");
    private static IReadOnlyDictionary<string, string> En => WorkspaceText.Load("en");

    [Fact]
    public void Japanese_and_English_have_the_same_keys_and_no_empty_label()
    {
        Assert.Empty(Ja.Keys.Except(En.Keys));
        Assert.Empty(En.Keys.Except(Ja.Keys));
        Assert.All(Ja.Concat(En), kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value), $"{kv.Key} is empty"));
        // Placeholders agree: a {1} in one language and not the other would drop a number.
        Assert.All(En, kv => Assert.Equal(Placeholders(kv.Value), Placeholders(Ja[kv.Key])));
    }

    [Fact]
    public void Every_key_the_workspace_uses_is_in_both_languages()
    {
        var folder = Repo.Path("src", "JourneyML.Api", "Workspace");
        var prefixes = En.Keys.Select(k => k[..k.IndexOf('.')]).ToHashSet();
        var used = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => KeyLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(k => prefixes.Contains(k[..k.IndexOf('.')]) && !k.EndsWith('.')).ToHashSet();
        Assert.True(used.Count > 50, $"only {used.Count} keys found in the sources: the scan is broken");
        // Keys built from a value: every value they can take.
        used.UnionWith(RiskListRequest.Bands.Select(b => "band." + b));
        used.UnionWith(RiskListRequest.Sorts.Select(s => "sort." + s));
        used.UnionWith(Enum.GetValues<CustomerStatus>().Select(s => "status." + s.Name()));
        used.UnionWith(EventNames.Signals.Select(s => "event." + s.EventType));
        used.UnionWith(Enum.GetValues<RiskBand>().Select(b => "band." + b.ToString().ToLowerInvariant()));
        var missing = used.Where(k => !En.ContainsKey(k) || !Ja.ContainsKey(k)).Order().ToList();
        Assert.True(missing.Count == 0, "keys used by the workspace but missing from en.json or ja.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_missing_key_shows_as_the_key_not_as_the_other_language()
    {
        var ui = new Ui(Ja, WorkspaceCulture.Japanese, _ => "/");
        Assert.Equal("解約リスク", ui["risk.title"]);
        Assert.Equal("[no.such.key]", ui["no.such.key"]);
    }

    [Fact]
    public void Numbers_and_dates_follow_the_culture()
    {
        var date = new DateTime(2026, 7, 1);
        Assert.Equal("2026年7月1日", new Ui(Ja, WorkspaceCulture.Japanese, _ => "/").Date(date));
        Assert.Equal("Jul 1, 2026", new Ui(En, WorkspaceCulture.AmericanEnglish, _ => "/").Date(date));
        Assert.Equal("1 Jul 2026", new Ui(En, WorkspaceCulture.BritishEnglish, _ => "/").Date(date));
        var ja = new Ui(Ja, WorkspaceCulture.Japanese, _ => "/");
        Assert.Equal("1,234,567", ja.Number(1_234_567));
        Assert.Equal("46.5%", ja.Percent(0.4652));
        Assert.Equal("該当 1,234 件（有料顧客 5,000 件中）", ja.F("risk.matching", ja.Number(1234), ja.Number(5000)));
    }

    private static string Placeholders(string text) => string.Join(',', PlaceholderPattern().Matches(text).Select(m => m.Value).Order());

    [GeneratedRegex("\"([a-z]+\\.[a-zA-Z0-9.\\-]+)\"")]
    private static partial Regex KeyLiteral();

    [GeneratedRegex("\\{[0-9]+\\}")]
    private static partial Regex PlaceholderPattern();
}
