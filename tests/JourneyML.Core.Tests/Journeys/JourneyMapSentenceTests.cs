using System.Text.Json;
using System.Text.RegularExpressions;
using JourneyML.Core.Journeys;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Stages;
using JourneyML.Core.Tests.SampleData;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Core.Tests.Journeys;

/// <summary>
/// Every sentence of the journey map (JSON, Markdown, HTML) on the sample, a subscription world, the small world and
/// the Japanese export, read for what a reader would catch: no Infinity or NaN, no "a upgrade", no ranked touchpoint
/// whose event defines leaving the stage, no lift without its counts and interval, no median time for a stage nobody
/// entered, no "leave the path" for a stage off it, and the page saying lifts are associations, not causes.
/// </summary>
public sealed class JourneyMapSentenceTests(WorldSamples worlds) : IClassFixture<WorldSamples>, IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose() => _folders.ForEach(TempFolder.TryDelete);

    private static readonly Regex s_badArticle = new(@"\b[Aa] (?!u(?:s|ni))[aeiou]", RegexOptions.CultureInvariant);
    private static readonly Regex s_tags = new("<[^>]+>", RegexOptions.CultureInvariant);

    public static TheoryData<string> Exports => ["sample", "subscription", "small", "ja-export"];

    [Theory]
    [MemberData(nameof(Exports))]
    public void Every_sentence_of_the_map_holds_up(string export)
    {
        var (map, texts) = Map(export);
        Assert.True(texts.Count > 50, $"{export}: only {texts.Count} texts read");
        foreach (var (where, text) in texts)
        {
            Assert.False(text.Contains("Infinity", StringComparison.Ordinal) || text.Contains("NaN", StringComparison.Ordinal) || text.Contains('∞'),
                $"{export} {where}: {text}");
            Assert.False(s_badArticle.IsMatch(text), $"{export} {where}: wrong article in \"{text}\"");
            foreach (var off in map.Stages.Where(s => !s.OnPath))
            {
                Assert.DoesNotContain($"leaving {off.Stage} leave the path", text, StringComparison.Ordinal);
            }
        }
        foreach (var insight in map.Insights.Where(i => i.Kind == "touchpoint"))
        {
            Assert.Contains("association, not a cause", insight.Text, StringComparison.Ordinal);
            Assert.True(insight.Text.Contains("95% interval", StringComparison.Ordinal) || insight.Text.Contains("none of the", StringComparison.Ordinal), insight.Text);
            var defining = map.Touchpoints.Where(t => t.DefinesExit && insight.Text.StartsWith($"In {t.Stage},", StringComparison.Ordinal)
                && insight.Text.Contains(JourneyInsights.Words(t.Name), StringComparison.Ordinal));
            Assert.Empty(defining);
        }
        Assert.All(map.Touchpoints.Where(t => t.Lift is not null), t => Assert.True(t.LiftLow <= t.Lift && t.Lift <= t.LiftHigh, $"{t.Stage} {t.Name}: lift {t.Lift} outside its interval"));
        Assert.All(map.Stages.Where(s => s.Entries == 0), s => Assert.Null(s.MedianDaysInStage));
        var md = texts.Where(t => t.Where == "md").Select(t => t.Text).ToList();
        foreach (var s in map.Stages.Where(s => s.Entries == 0 && s.CustomersInWindow > 0))
        {
            var row = md.Single(l => l.StartsWith($"| {s.Stage}", StringComparison.Ordinal) && l.Count(c => c == '|') == 13).Split('|');
            Assert.Equal("–", row[7].Trim()); // median time
        }
        if (map.Touchpoints.Count > 0)
        {
            Assert.Contains(texts, t => t.Where == "html" && t.Text.Contains("associations, not causes", StringComparison.Ordinal));
            Assert.Contains(md, l => l.Contains("associations, not causes", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void On_a_subscription_business_reactivations_are_counted_and_empty_stages_listed_not_drawn()
    {
        // The built-in B2B stages on a subscription export: the lead funnel's stages are empty, and comebacks are reactivations.
        var (map, texts) = Map("subscription", StageModel.DefaultJson);
        var reactivation = Assert.Single(map.Transitions, t => t.Kind == MoveKinds.Reactivation && t.To == "Customer-Onboarding");
        Assert.Equal("Churned", reactivation.From);
        Assert.True(reactivation.Customers >= 5, $"{reactivation.Customers} reactivations");
        Assert.Equal(map.Transitions.Where(t => t.From == "Churned" && t.Kind == MoveKinds.Reactivation).Sum(t => t.Customers), map.Stages.Single(s => s.Stage == "Churned").BackOnPath);
        Assert.Null(map.Stages.Single(s => s.Stage == "Churned").DropOffRate);
        Assert.Contains(map.Insights, i => i.Kind == "reactivation" && i.Text.Contains($"{reactivation.Customers} reactivations", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Where == "md" && t.Text.Contains($"Churned → Customer-Onboarding: {reactivation.Customers} reactivations", StringComparison.Ordinal));

        var empty = map.Stages.Where(s => s.CustomersInWindow == 0).Select(s => s.Stage).ToList();
        Assert.Contains("MQL", empty);
        var html = File.ReadAllText(Path.Combine(_lastDirectory!, JourneyMapFolders.HtmlFile));
        Assert.DoesNotContain("data-stage=\"MQL\"", html);
        Assert.Contains("class=\"move reactivation\"", html);
        Assert.Contains($"{reactivation.Customers} reactivations</text>", html);
        Assert.Contains(texts, t => t.Where == "html" && t.Text.Contains("Nobody was in MQL", StringComparison.Ordinal));
        Assert.DoesNotContain(map.Kpis.StageConversion.Keys, k => k.EndsWith("→ MQL", StringComparison.Ordinal));
    }

    private string? _lastDirectory;

    [Fact]
    public void With_the_stages_suggested_for_a_subscription_comebacks_are_reactivations_and_no_path_stage_is_empty()
    {
        var (map, _) = Map("subscription");
        var comebacks = map.Transitions.Where(t => t.From == "Churned" && t.Kind == MoveKinds.Reactivation).ToList();
        Assert.NotEmpty(comebacks);
        Assert.Equal(comebacks.Sum(t => t.Customers), map.Stages.Single(s => s.Stage == "Churned").BackOnPath);
        Assert.Null(map.Stages.Single(s => s.Stage == "Churned").DropOffRate);
        Assert.DoesNotContain(map.Insights, i => i.Text.Contains("leave the path", StringComparison.Ordinal) && i.Text.Contains("Churned", StringComparison.Ordinal));
    }

    /// <summary>The journey run on an export (no champion: the stages without scores; <paramref name="stagesJson"/> as the registry's stages.json, or none: suggested), and every text of its three files.</summary>
    private (JourneyMap Map, List<(string Where, string Text)> Texts) Map(string export, string? stagesJson = null)
    {
        string data = export switch
        {
            "sample" => Samples.Sample,
            "ja-export" => Samples.Path("ja-export"),
            "subscription" => worlds.Subscription.Directory,
            _ => worlds.Small.Directory,
        };
        var output = TempFolder.Create("map-" + export);
        var registry = TempFolder.Create("registry");
        _folders.AddRange([output, registry]);
        if (stagesJson is not null)
        {
            File.WriteAllText(Path.Combine(registry, StageModel.DefaultFileName), stagesJson);
        }
        var map = JourneyRun.Run(new JourneyOptions { DataDirectory = data, RegistryPath = registry, StepDays = 14, OutputDirectory = output },
            NullLogger.Instance).Map;
        _lastDirectory = output;
        var texts = new List<(string, string)>();
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, JourneyMapFolders.JsonFile))))
        {
            Strings(json.RootElement, texts);
        }
        texts.AddRange(File.ReadAllLines(Path.Combine(output, JourneyMapFolders.MarkdownFile)).Select(l => ("md", l)));
        var html = File.ReadAllText(Path.Combine(output, JourneyMapFolders.HtmlFile));
        texts.AddRange(s_tags.Split(html).Select(t => System.Net.WebUtility.HtmlDecode(t) ?? "").Where(t => t.Trim().Length > 0).Select(t => ("html", t)));
        return (map, texts);
    }

    private static void Strings(JsonElement element, List<(string, string)> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    into.Add(("json", p.Name));
                    Strings(p.Value, into);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Strings(item, into);
                }
                break;
            default:
                // Numbers too: "Infinity" and "NaN" are written as named literals.
                into.Add(("json", element.ToString()));
                break;
        }
    }
}
