using System.Text.Json.Nodes;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Tests;

/// <summary>
/// The risk list, its export, segment members and an account answer with the reasons (and what changed since the last
/// snapshot) in Japanese for <c>?lang=ja</c> or <c>Accept-Language: ja</c>, as the customer endpoint and predictions do;
/// in English to a client that asks for nothing; <c>lang=fr</c> is a 400 naming lang.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ReasonLanguageTests(ServingFixture fixture)
{
    private readonly Dictionary<string, int> _rows = fixture.Latest.CustomerIds.Select((id, r) => (id, r)).ToDictionary(x => x.id, x => x.r);

    [Fact]
    public async Task The_churn_risk_list_gives_reasons_and_change_reasons_in_the_language_asked()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        Assert.NotNull(s.ChangeReasonJapanese);
        var english = (await (await client.GetAsync("/v1/churn-risk?top=20")).Json())["customers"]!.AsArray();
        var japanese = (await (await client.GetAsync("/v1/churn-risk?top=20&lang=ja")).Json())["customers"]!.AsArray();
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, "/v1/churn-risk?top=20");
        byHeader.Headers.AcceptLanguage.ParseAdd("ja-JP,ja;q=0.9,en;q=0.8");
        var header = (await (await client.SendAsync(byHeader)).Json())["customers"]!.AsArray();
        Assert.Equal(20, japanese.Count);
        foreach (var (en, ja, h) in english.Zip(japanese, header))
        {
            int r = _rows[(string)en!["customerId"]!];
            Assert.Equal(s.Factors[r], (string?)en["factors"]);
            Assert.Equal(s.ChangeReason[r], (string?)en["changeReason"]);
            Assert.Equal(s.FactorsJapanese![r], (string?)ja!["factors"]);
            Assert.Equal(s.ChangeReasonJapanese![r], (string?)ja["changeReason"]);
            Assert.Equal((string?)ja["factors"], (string?)h!["factors"]);
        }
        Assert.Contains(japanese, c => Japanese((string?)c!["factors"]) && Japanese((string?)c["changeReason"]));
        await (await client.GetAsync("/v1/churn-risk?lang=fr")).AssertProblem(400, "lang");
    }

    [Fact]
    public async Task The_exports_and_an_account_give_reasons_in_the_language_asked()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        var csv = await client.GetStringAsync("/v1/churn-risk?top=5&format=csv&lang=ja");
        var first = csv.Split('\n')[1];
        int top = _rows[first.Split(',')[1]];
        Assert.Contains(s.FactorsJapanese![top].Split("; ")[0], first, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Factors[top].Split("; ")[0], first, StringComparison.Ordinal);
        Assert.Contains(s.Factors[top].Split("; ")[0], (await client.GetStringAsync("/v1/churn-risk?top=5&format=csv")).Split('\n')[1], StringComparison.Ordinal);

        int segment = s.SegmentIds[top];
        var members = (await (await client.GetAsync($"/v1/segments/{segment}/members?limit=5&lang=ja")).Json())["customers"]!.AsArray();
        Assert.All(members, m => Assert.Equal(s.FactorsJapanese[_rows[(string)m!["customerId"]!]], (string?)m["factors"]));

        var account = Enumerable.Range(0, s.Count).Select(r => s.AccountIds[r]).First(a => a is not null)!;
        var ja = (await (await client.GetAsync($"/v1/accounts/{Uri.EscapeDataString(account)}?lang=ja")).Json())["contactList"]!.AsArray();
        var en = (await (await client.GetAsync($"/v1/accounts/{Uri.EscapeDataString(account)}")).Json())["contactList"]!.AsArray();
        Assert.NotEmpty(ja);
        foreach (var (contactJa, contactEn) in ja.Zip(en))
        {
            int r = _rows[(string)contactJa!["customerId"]!];
            Assert.Equal(s.FactorsJapanese[r], (string?)contactJa["factors"]);
            Assert.Equal(s.Factors[r], (string?)contactEn!["factors"]);
        }
        Assert.Contains(ja, c => Japanese((string?)c!["factors"]));
        await (await client.GetAsync($"/v1/accounts/{Uri.EscapeDataString(account)}?lang=fr")).AssertProblem(400, "lang");
    }

    private static bool Japanese(string? text) =>
        text is not null && System.Text.RegularExpressions.Regex.IsMatch(text, @"[\p{IsHiragana}\p{IsKatakana}\p{IsCJKUnifiedIdeographs}]");
}
