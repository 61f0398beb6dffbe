using System.Net;
using System.Text.RegularExpressions;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// A Japanese page shows the sentences the core writes (what changed since the last snapshot and why, the gate's reason,
/// the floor's and the holdout's warnings, a job's steps) in Japanese, not in English: over a registry of two versions,
/// so the gate compared a challenger with a champion.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class JapaneseSentencesTests(WorkspaceFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static (Server Server, string Registry)? s_two;

    private async Task<(Server Server, string Registry)> TwoVersionsAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_two is null)
            {
                var registry = fixture.RegistryWithTwoVersions("ja-sentences");
                s_two = (fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = registry }), registry);
            }
            return s_two.Value;
        }
        finally
        {
            s_gate.Release();
        }
    }

    [Fact]
    public async Task The_Japanese_models_page_has_no_English_sentence()
    {
        var (server, registry) = await TwoVersionsAsync();
        var versions = new ModelRegistry(registry).List();
        // The page has something to say: the gate compared two versions, and (171 customers) the holdout is small.
        Assert.Contains(versions, v => v.Promotion is { PreviousChampion: not null });
        var (ja, en) = (await TextAsync(server, "/models", "ja"), await TextAsync(server, "/models", "en"));
        Assert.Contains("the holdout is too small to trust", en, StringComparison.Ordinal);
        Assert.Contains("ホールドアウトが小さく", ja, StringComparison.Ordinal);
        Assert.Contains("チャンピオン", ja[ja.IndexOf("判定", StringComparison.Ordinal)..], StringComparison.Ordinal);
        output.WriteLine(Regex.Replace(ja, @"\s+", " "));
        AssertNoEnglishSentence(ja);
    }

    [Fact]
    public async Task The_Japanese_customer_page_says_what_changed_and_why_in_Japanese()
    {
        var latest = SnapshotView.Load(new ModelRegistry(fixture.Registry).SnapshotsDirectory)!.Latest;
        // A customer whose change names the signals that moved ("logins in 30 days fell from 22 to 6").
        int row = Enumerable.Range(0, latest.Count).First(r => latest.ChangeReason[r].Contains(" from ", StringComparison.Ordinal));
        var url = "/customers/" + Uri.EscapeDataString(latest.CustomerIds[row]);
        var ja = await TextAsync(fixture.Open, url, "ja");
        var en = await TextAsync(fixture.Open, url, "en");
        Assert.Contains(latest.ChangeReason[row], en, StringComparison.Ordinal);
        Assert.DoesNotContain(latest.ChangeReason[row], ja, StringComparison.Ordinal);
        Assert.Contains(latest.ChangeReasonJapanese![row], ja, StringComparison.Ordinal);
        Assert.Matches("解約リスクは|リードスコアは", latest.ChangeReasonJapanese[row]);
        output.WriteLine(latest.ChangeReason[row] + "\n" + latest.ChangeReasonJapanese[row]);
        // The segment's name too is in Japanese (segment_name_ja): nothing is stripped before looking for English.
        AssertNoEnglishSentence(ja);
    }

    [Fact]
    public void Every_change_reason_has_its_Japanese_with_the_same_numbers()
    {
        var latest = SnapshotView.Load(new ModelRegistry(fixture.Registry).SnapshotsDirectory)!.Latest;
        Assert.NotNull(latest.ChangeReasonJapanese);
        for (int r = 0; r < latest.Count; r++)
        {
            var (en, ja) = (latest.ChangeReason[r], latest.ChangeReasonJapanese![r]);
            Assert.Equal(en.Length == 0, ja.Length == 0);
            Assert.DoesNotMatch(EnglishSentence(), ja);
            // The same facts: the same numbers, in the same order.
            Assert.Equal(Numbers().Matches(en).Select(m => m.Value).Order(), Numbers().Matches(ja).Select(m => m.Value).Order());
        }
    }

    private void AssertNoEnglishSentence(string text)
    {
        var english = EnglishSentence().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.True(english.Count == 0, "English on a Japanese page:\n" + string.Join("\n", english));
    }

    /// <summary>The page's visible text (tags, scripts and styles removed), for a browser language.</summary>
    private static async Task<string> TextAsync(Server server, string url, string language)
    {
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        using var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..];
        return WebUtility.HtmlDecode(Tags().Replace(Hidden().Replace(main, " "), " "));
    }

    // Three English words in a row: a sentence, not a metric's name (ROC AUC), a code name (logins_30d) or a version.
    [GeneratedRegex(@"\b[A-Za-z][a-z]+(?:[ ,;:'()-]+[a-z]{2,}){2,}\b")]
    private static partial Regex EnglishSentence();

    [GeneratedRegex("[0-9]+(?:[.][0-9]+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex Hidden();
}
