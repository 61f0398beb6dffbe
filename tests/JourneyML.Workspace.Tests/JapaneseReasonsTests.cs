using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// Reasons in Japanese on the Japanese export (Japanese column and event names): every customer's Japanese reasons are
/// Japanese words with the user's own names, never a feature's code name, an English phrase, NaN or Infinity; the
/// workspace shows them on a Japanese page and English ones on an English page; the API gives them for ?lang=ja or
/// Accept-Language: ja, and English to a client that asks for nothing.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class JapaneseReasonsTests(WorkspaceFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private Snapshot Latest() =>
        Snapshot.Read(Directory.EnumerateFiles(Path.Combine(fixture.Registry, "snapshots"), "*.parquet").Order(StringComparer.Ordinal).Last());

    [Fact]
    public void Every_Japanese_reason_of_the_Japanese_export_is_Japanese_without_code_names()
    {
        var s = Latest();
        Assert.NotNull(s.FactorsJapanese);
        int checkedRows = 0;
        for (int r = 0; r < s.Count; r++)
        {
            var ja = s.FactorsJapanese![r];
            Assert.Equal(s.Factors[r].Length == 0, ja.Length == 0);
            if (ja.Length == 0)
            {
                continue;
            }
            checkedRows++;
            // No feature code name (logins_30d), no English word of a phrase, no NaN or Infinity.
            Assert.DoesNotMatch(CodeName(), ja);
            Assert.DoesNotMatch(EnglishWord(), ja);
            // The export's names are all Japanese: a Latin letter could only be ours (a role's or an event's code name).
            Assert.DoesNotMatch("[A-Za-z]", ja);
            Assert.DoesNotContain("NaN", ja, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", ja, StringComparison.Ordinal);
            Assert.DoesNotContain("∞", ja, StringComparison.Ordinal);
            // As many reasons as in English: the same facts, in another language.
            Assert.Equal(s.Factors[r].Split("; ").Length, ja.Split("; ").Length);
        }
        Assert.True(checkedRows > 100, $"{checkedRows} customers with reasons");
        foreach (int r in Enumerable.Range(0, s.Count).Where(r => s.FactorsJapanese![r].Length > 0).Take(4))
        {
            output.WriteLine($"{s.Factors[r]}\n{s.FactorsJapanese![r]}\n");
        }
        Assert.Contains(s.FactorsJapanese!, f => f.Contains("解約リスクを上げる要因", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ja-JP", "要因")]
    [InlineData("en-US", "churn risk")]
    public async Task The_customer_page_and_the_list_give_reasons_in_the_pages_language(string locale, string word)
    {
        var s = Latest();
        int row = Enumerable.Range(0, s.Count).First(r => s.Status[r] == CustomerStatus.Customer && s.FactorsJapanese![r].Length > 0);
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/customers/" + Uri.EscapeDataString(s.CustomerIds[row]));
        var expected = (locale == "ja-JP" ? s.FactorsJapanese![row] : s.Factors[row]).Split("; ");
        var shown = await page.Locator("#churn-factors li").AllInnerTextsAsync();
        Assert.Equal(expected, shown.Select(t => t.Trim()));
        Assert.All(shown, t => Assert.Contains(word, t, StringComparison.Ordinal));
        await page.GotoAsync("/");
        var top = await page.Locator("td.reason").First.InnerTextAsync();
        if (locale == "ja-JP")
        {
            Assert.DoesNotMatch(EnglishWord(), top);
        }
        else
        {
            Assert.Matches(EnglishWord(), top);
        }
    }

    [Fact]
    public async Task The_API_gives_Japanese_reasons_when_asked_and_English_by_default()
    {
        using var client = new HttpClient { BaseAddress = fixture.Open.Address };
        var s = Latest();
        int row = Enumerable.Range(0, s.Count).First(r => s.Status[r] == CustomerStatus.Customer);
        var features = s.FeatureValues.Where(f => !float.IsNaN(f.Value[row])).ToDictionary(f => f.Key, f => (object)f.Value[row]);
        var body = new { customerId = s.CustomerIds[row], status = "customer", features };

        async Task<List<string>> Texts(string url, string? acceptLanguage)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            if (acceptLanguage is not null)
            {
                request.Headers.Add("Accept-Language", acceptLanguage);
            }
            using var response = await client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return [.. doc.RootElement.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("text").GetString()!)];
        }

        var english = await Texts("/v1/predictions", null);
        Assert.NotEmpty(english);
        Assert.All(english, t => Assert.Matches(EnglishWord(), t));
        Assert.Equal(english, await Texts("/v1/predictions?lang=en", "ja"));
        var japanese = await Texts("/v1/predictions?lang=ja", null);
        Assert.Equal(japanese, await Texts("/v1/predictions", "ja-JP,ja;q=0.9,en;q=0.8"));
        Assert.Equal(english.Count, japanese.Count);
        Assert.All(japanese, t =>
        {
            Assert.DoesNotMatch(CodeName(), t);
            Assert.DoesNotMatch(EnglishWord(), t);
        });
        using var bad = await client.PostAsync("/v1/predictions?lang=fr", JsonContent.Create(body));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("lang", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("[a-z]+_[a-z0-9_]+")]
    private static partial Regex CodeName();

    [GeneratedRegex(@"\b(login|logins|ticket|tickets|days?|raises|lowers|churn|lead score|history|active|account|recorded|signed up|minutes?|no)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishWord();
}
