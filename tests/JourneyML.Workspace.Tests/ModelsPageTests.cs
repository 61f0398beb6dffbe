using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// The models page over a registry of two versions: metrics with their intervals, the gate's decision, drift, retraining
/// jobs; rollback and promotion with the key typed into the form (keyboard only), through the API's own handlers; a
/// wrong key, a missing key and a post from another site refused in words, the champion unchanged; the key never in a
/// page, a cookie or the log.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class ModelsPageTests(WorkspaceFixture fixture)
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static Server? s_server;
    private static string? s_registry;

    private async Task<Server> ServerAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_server is null)
            {
                s_registry = fixture.RegistryWithTwoVersions("models-two");
                WriteFinishedJob(s_registry);
                s_server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = s_registry });
            }
            return s_server;
        }
        finally
        {
            s_gate.Release();
        }
    }

    [Theory]
    [InlineData("ja-JP", "モデル", "チャンピオン", "API キーがこのサービスの設定と一致しません", "再学習ジョブ", "成功")]
    [InlineData("en-US", "Models", "Champion", "The API key is not the one configured", "Retraining jobs", "succeeded")]
    public async Task Versions_show_metrics_with_intervals_and_a_wrong_key_changes_nothing(string locale, string title, string champion, string wrongKey,
        string jobs, string succeeded)
    {
        var server = await ServerAsync();
        var page = await fixture.PageAsync(server, locale);
        await page.GotoAsync("/models");
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Expect(page.Locator(".facts")).ToContainTextAsync(champion);
        var before = (await page.Locator("#champion").InnerTextAsync()).Trim();
        Assert.Equal(2, await page.Locator("section.version").CountAsync());
        // Each model's ROC AUC with its 95% interval, as numbers.
        var interval = await page.Locator("section.version table.list tbody tr td:nth-child(5)").First.InnerTextAsync();
        Assert.Matches(Interval(), interval);
        await Expect(page.Locator("#jobs")).ToHaveTextAsync(jobs);
        await Expect(page.Locator("table[aria-labelledby=jobs]")).ToContainTextAsync(succeeded);
        await page.AssertAccessibleAsync();

        // Keyboard only: focus the rollback's key field, type a wrong key, Enter.
        await page.Locator("#rollback-key").FocusAsync();
        await page.Keyboard.TypeAsync("not-the-key");
        var response = await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST");
        Assert.Equal(401, response.Status);
        await Expect(page.Locator("#notice[role=alert]")).ToContainTextAsync(wrongKey);
        await Expect(page.Locator("#champion")).ToHaveTextAsync(before);
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Rollback_and_promotion_with_the_key_change_the_champion_and_never_keep_the_key()
    {
        var server = await ServerAsync();
        var page = await fixture.PageAsync(server, "en-US");
        await page.GotoAsync("/models");
        var first = (await page.Locator("#champion").InnerTextAsync()).Trim();
        var target = (await page.Locator("form[action='/models/rollback'] button").InnerTextAsync()).Replace("Roll back to ", "", StringComparison.Ordinal).Trim();
        Assert.NotEqual(first, target);

        await page.Locator("#rollback-key").FillAsync(WorkspaceFixture.ApiKey);
        await page.Locator("#rollback-key").PressAsync("Enter");
        await Expect(page.Locator("#notice[role=status]")).ToContainTextAsync($"Rolled back: {target} is the champion again");
        await Expect(page.Locator("#champion")).ToHaveTextAsync(target);
        await Expect(page.Locator("#serving")).ToHaveTextAsync(target);
        await AssertApiChampion(server, target);

        // Promote the version rolled back from, with a reason: the same handler as POST /v1/models/{version}/promote.
        var form = page.Locator($"form[action='/models/{first}/promote']");
        await form.Locator("input[name=key]").FillAsync(WorkspaceFixture.ApiKey);
        await form.Locator("input[name=reason]").FillAsync("back after the check");
        await form.Locator("button").ClickAsync();
        await Expect(page.Locator("#notice[role=status]")).ToContainTextAsync($"{first} is now the champion");
        await AssertApiChampion(server, first);

        var html = await page.ContentAsync();
        Assert.DoesNotContain(WorkspaceFixture.ApiKey, html, StringComparison.Ordinal);
        Assert.All(await page.Context.CookiesAsync(), c => Assert.DoesNotContain(WorkspaceFixture.ApiKey, c.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(server.Log.Lines, l => l.Contains(WorkspaceFixture.ApiKey, StringComparison.Ordinal));
        // The reason given is in the champion's history, as the API's promotion writes it.
        Assert.Contains("back after the check", File.ReadAllText(Path.Combine(s_registry!, "champion.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_posted_from_another_site_or_without_a_key_are_refused_in_words()
    {
        var server = await ServerAsync();
        using var client = new HttpClient { BaseAddress = server.Address };
        var champion = await ApiChampion(client);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/models/rollback") { Content = new FormUrlEncodedContent([new("key", WorkspaceFixture.ApiKey)]) };
        crossSite.Headers.Add("Origin", "https://elsewhere.example");
        using var refused = await client.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("sent from another site", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noKey = await client.PostAsync("/models/rollback", new FormUrlEncodedContent([new("key", "")]));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Contains("Type the API key", await noKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await client.PostAsync("/models/20990101-000000-00000000-0000/promote", new FormUrlEncodedContent([new("key", WorkspaceFixture.ApiKey)]));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var text = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("No such model version", text, StringComparison.Ordinal);
        Assert.DoesNotContain(s_registry!, text, StringComparison.Ordinal);
        using var notAVersion = await client.PostAsync("/models/..%2F..%2Fetc/promote", new FormUrlEncodedContent([new("key", WorkspaceFixture.ApiKey)]));
        Assert.Equal(HttpStatusCode.BadRequest, notAVersion.StatusCode);
        Assert.Equal(champion, await ApiChampion(client));
    }

    private static async Task AssertApiChampion(Server server, string expected)
    {
        using var client = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(expected, await ApiChampion(client));
    }

    private static async Task<string> ApiChampion(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/v1/models"));
        return doc.RootElement.GetProperty("champion").GetString()!;
    }

    /// <summary>A finished retraining job in the registry's job folder, as a job run on another instance leaves it.</summary>
    private static void WriteFinishedJob(string registry)
    {
        Directory.CreateDirectory(Path.Combine(registry, "jobs"));
        var job = new JourneyML.Api.Jobs.RetrainJob("20260701120000-0a1b2c3d", JourneyML.Api.Jobs.JobStatus.Succeeded, "done", 1,
            new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc), new DateTime(2026, 7, 1, 12, 3, 0, DateTimeKind.Utc), "data", null,
            new JourneyML.Api.Jobs.RetrainJobResult("20260701-120000-00000000-0000", false, "kept the champion", "x", 171, "s.parquet", 3, 0.8, null), null);
        File.WriteAllText(Path.Combine(registry, "jobs", job.Id + ".json"), JsonSerializer.Serialize(job, JourneyML.Api.ApiJson.Options));
    }

    [GeneratedRegex(@"^0\.\d{3}–[01]\.\d{3}$")]
    private static partial Regex Interval();
}
