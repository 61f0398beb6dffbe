using System.Net;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// Retraining started from the models page: the key typed into the form for that request only, the job run by the API's
/// own jobs machinery (POST /v1/jobs/retrain's handler), its progress and result on the page; a post from another site
/// or with a date that is not one starts nothing.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed class RetrainFormTests(WorkspaceFixture fixture)
{
    [Theory]
    [InlineData("ja-JP", "再学習を開始", "再学習ジョブ", "開始しました", "実行中", "成功", "完了")]
    [InlineData("en-US", "Start retraining", "Retraining job", "started", "running", "succeeded", "done")]
    public async Task A_retraining_started_on_the_page_runs_and_shows_its_progress_and_result(string locale, string button, string started, string startedWord,
        string running, string succeeded, string done)
    {
        var registry = fixture.RegistryCopy("retrain-" + locale);
        var server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = registry });
        var versionsBefore = new Core.Registry.ModelRegistry(registry).List().Select(v => v.Version).ToList();
        var page = await fixture.PageAsync(server, locale);
        await page.GotoAsync("/models");
        await page.Locator("#retrain-key").FillAsync(WorkspaceFixture.ApiKey);
        await page.Locator("#retrain-fixed").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        var notice = page.Locator("#notice[role=status]");
        await Expect(notice).ToContainTextAsync(started);
        await Expect(notice).ToContainTextAsync(startedWord);
        var jobId = Directory.EnumerateFiles(Path.Combine(registry, "jobs"), "*.json").Select(Path.GetFileNameWithoutExtension).Single()!;
        await Expect(notice).ToContainTextAsync(jobId);
        // The job is listed at once with its status and progress bar; the page reloads itself while the job runs (no
        // reload here), and it ends succeeded at its last step with the version it trained.
        var row = page.Locator("table[aria-labelledby=jobs] tbody tr").Filter(new() { HasText = jobId });
        await Expect(row.Locator("progress")).ToHaveCountAsync(1);
        // Were the refresh lost (as it was to a URL with #jobs), the row would say "running" until this gives up.
        await Expect(row).Not.ToContainTextAsync(running, new() { Timeout = 180_000 });
        await Expect(row).ToContainTextAsync(succeeded);
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(done);
        var trained = Assert.Single(new Core.Registry.ModelRegistry(registry).List().Select(v => v.Version).Except(versionsBefore));
        await Expect(row).ToContainTextAsync(trained);
        // While it ran, the start button was off (one job at a time); now it is on again.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = button })).ToBeEnabledAsync();
        await page.AssertAccessibleAsync();
        Assert.DoesNotContain(WorkspaceFixture.ApiKey, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Log.Lines, l => l.Contains(WorkspaceFixture.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retraining_posted_from_another_site_or_with_a_bad_date_starts_nothing()
    {
        var registry = fixture.RegistryCopy("retrain-refused");
        var server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = registry });
        using var client = new HttpClient { BaseAddress = server.Address };
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/models/retrain") { Content = new FormUrlEncodedContent([new("key", WorkspaceFixture.ApiKey)]) };
        crossSite.Headers.Add("Origin", "https://elsewhere.example");
        using var refused = await client.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("sent from another site", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var wrongKey = await client.PostAsync("/models/retrain", new FormUrlEncodedContent([new("key", "not-the-key")]));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        using var badDate = await client.PostAsync("/models/retrain", new FormUrlEncodedContent([new("key", WorkspaceFixture.ApiKey), new("asOf", "2026-13-45")]));
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Contains("2026-13-45", await badDate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(registry, "jobs")) && Directory.EnumerateFiles(Path.Combine(registry, "jobs"), "*.json").Any());
    }
}
