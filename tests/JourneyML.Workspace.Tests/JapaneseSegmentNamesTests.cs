using System.Net;
using System.Text.RegularExpressions;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// A Japanese page names the segments in Japanese (「ログイン増加・コンテンツ少なめ」), an English page in English: on
/// every page that names a segment (the risk list and its picker, a customer, the segments side by side, a segment's own
/// page, the journey map's picker) and in <c>GET /v1/segments?lang=ja</c>, over the Japanese export's registry.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class JapaneseSegmentNamesTests(WorkspaceFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void The_snapshot_names_every_segment_in_Japanese_without_a_Latin_word()
    {
        var latest = Latest();
        Assert.NotNull(latest.SegmentNamesJapanese);
        for (int r = 0; r < latest.Count; r++)
        {
            // The export's own columns are Japanese (月額料金, プラン), so a name has no Latin letter at all.
            Assert.DoesNotMatch(Latin(), latest.SegmentNamesJapanese![r]);
            Assert.Matches(Latin(), latest.SegmentNames[r]);
        }
        output.WriteLine(string.Join("\n", latest.SegmentNames.Zip(latest.SegmentNamesJapanese!).Distinct()));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/segments")]
    [InlineData("/journey-map")]
    [InlineData("customer")]
    [InlineData("segment")]
    public async Task A_page_names_the_segments_in_its_own_language(string page)
    {
        var view = View();
        var latest = view.Latest;
        int row = view.RankedByRisk[0];
        string url = page switch
        {
            "customer" => "/customers/" + Uri.EscapeDataString(latest.CustomerIds[row]),
            "segment" => "/segments/" + latest.SegmentIds[row],
            _ => page,
        };
        var (ja, en) = (await TextAsync(url, "ja"), await TextAsync(url, "en"));
        Assert.Contains(latest.SegmentNamesJapanese![row], ja, StringComparison.Ordinal);
        Assert.Contains(latest.SegmentNames[row], en, StringComparison.Ordinal);
        foreach (string english in latest.SegmentNames.Distinct())
        {
            Assert.DoesNotContain(english, ja, StringComparison.Ordinal);
        }
        foreach (string japanese in latest.SegmentNamesJapanese.Distinct())
        {
            Assert.DoesNotContain(japanese, en, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_segment_list_of_the_API_names_them_in_the_asked_language()
    {
        var latest = Latest();
        using var client = new HttpClient { BaseAddress = fixture.Open.Address };
        var ja = await NamesAsync(client, "/v1/segments?lang=ja", null);
        var byHeader = await NamesAsync(client, "/v1/segments", "ja");
        var en = await NamesAsync(client, "/v1/segments", null);
        var names = latest.SegmentNames.Zip(latest.SegmentNamesJapanese!).Distinct().ToList();
        Assert.All(names, n => Assert.Contains(n.Second, ja));
        Assert.All(names, n => Assert.Contains(n.First, en));
        Assert.Equal(ja, byHeader);
        Assert.All(ja, name => Assert.DoesNotMatch(Latin(), name));
    }

    private static async Task<List<string>> NamesAsync(HttpClient client, string url, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        using var response = await client.SendAsync(request);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];
    }

    private SnapshotView View() => SnapshotView.Load(new ModelRegistry(fixture.Registry).SnapshotsDirectory)!;

    private Snapshot Latest() => View().Latest;

    /// <summary>The page's visible text (tags, scripts and styles removed), for a browser language.</summary>
    private async Task<string> TextAsync(string url, string language)
    {
        using var client = new HttpClient { BaseAddress = fixture.Open.Address };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        using var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, url + "\n" + html);
        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..];
        return WebUtility.HtmlDecode(Tags().Replace(Hidden().Replace(main, " "), " "));
    }

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex Latin();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex Hidden();
}
