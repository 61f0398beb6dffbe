using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// The alerts page: the alerts as GET /v1/alerts lists them; webhooks shown only to a signed-in user, added, tested (a
/// real receiver gets the signed test call) and removed with the key typed into the form; a wrong key refused in words.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed class AlertsPageTests(WorkspaceFixture fixture)
{
    [Theory]
    [InlineData("ja-JP", "アラート", "件のアラート", "サインイン")]
    [InlineData("en-US", "Alerts", "alerts in the latest snapshot", "Sign in")]
    public async Task Alerts_are_the_APIs_and_webhooks_need_a_signed_in_user(string locale, string title, string count, string signIn)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/alerts");
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        using var client = new HttpClient { BaseAddress = fixture.Open.Address };
        using var api = JsonDocument.Parse(await client.GetStringAsync("/v1/alerts"));
        int alerts = api.RootElement.GetProperty("count").GetInt32();
        await Expect(page.Locator("#count")).ToContainTextAsync(count);
        await Expect(page.Locator("#count")).ToContainTextAsync(alerts.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(alerts, await page.Locator("#alerts tbody tr").CountAsync());
        if (alerts > 0)
        {
            var firstId = api.RootElement.GetProperty("alerts")[0].GetProperty("customerId").GetString()!;
            await Expect(page.Locator("#alerts tbody tr").First.Locator("th a")).ToHaveTextAsync(firstId);
        }
        // Not signed in: no webhook URL on the page, a way to sign in instead.
        await Expect(page.Locator("#targets")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = signIn, Exact = true }).Last).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        var response = await page.GotoAsync("/alerts?since=yesterday");
        Assert.Equal(400, response!.Status);
    }

    [Theory]
    [InlineData("ja-JP", "Webhook を追加しました", "へのテスト送信: 応答 200", "Webhook を削除しました", "API キーがこのサービスの設定と一致しません")]
    [InlineData("en-US", "The webhook was added", "answered 200", "The webhook was removed", "The API key is not the one configured")]
    public async Task A_webhook_is_added_tested_and_removed_with_the_key(string locale, string added, string tested, string removed, string wrongKey)
    {
        using var receiver = new Receiver();
        var server = fixture.Start(new Dictionary<string, string?>
        {
            ["Registry:Path"] = fixture.RegistryCopy("alerts-" + locale),
            ["Webhooks:AllowedHosts:0"] = "127.0.0.1",
            ["Webhooks:Secret"] = "receiver-secret",
        });
        var page = await fixture.PageAsync(server, locale);
        await page.GotoAsync("/login?return=%2Falerts");
        await page.Locator("#key").FillAsync(WorkspaceFixture.ApiKey);
        await page.Locator("#key").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/alerts$"));

        // Keyboard only: the URL, then the key, Enter.
        await page.Locator("#new-url").FocusAsync();
        await page.Keyboard.TypeAsync(receiver.Url);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(WorkspaceFixture.ApiKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#notice[role=status]")).ToContainTextAsync(added);
        await Expect(page.Locator("#targets")).ToContainTextAsync(receiver.Url);
        await page.AssertAccessibleAsync();

        var row = page.Locator("#targets tbody tr", new() { HasText = receiver.Url });
        var test = row.Locator("form[action='/webhooks/test']");
        await test.Locator("input[name=key]").FillAsync(WorkspaceFixture.ApiKey);
        await test.Locator("button").ClickAsync();
        await Expect(page.Locator("#notice[role=status]")).ToContainTextAsync(tested);
        var call = Assert.Single(receiver.Calls);
        Assert.Equal("test", call.Event);
        Assert.StartsWith("sha256=", call.Signature, StringComparison.Ordinal);

        var remove = page.Locator("#targets tbody tr", new() { HasText = receiver.Url }).Locator("form[action='/webhooks/remove']");
        await remove.Locator("input[name=key]").FillAsync("wrong");
        await remove.Locator("button").ClickAsync();
        await Expect(page.Locator("#notice[role=alert]")).ToContainTextAsync(wrongKey);
        await Expect(page.Locator("#targets")).ToContainTextAsync(receiver.Url);
        remove = page.Locator("#targets tbody tr", new() { HasText = receiver.Url }).Locator("form[action='/webhooks/remove']");
        await remove.Locator("input[name=key]").FillAsync(WorkspaceFixture.ApiKey);
        await remove.Locator("button").ClickAsync();
        await Expect(page.Locator("#notice[role=status]")).ToContainTextAsync(removed);
        await Expect(page.Locator("#targets")).ToHaveCountAsync(0);
        Assert.DoesNotContain(server.Log.Lines, l => l.Contains(WorkspaceFixture.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_webhook_to_an_internal_host_is_refused_in_words()
    {
        var server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = fixture.RegistryCopy("alerts-internal") });
        var page = await fixture.PageAsync(server, "en-US");
        await page.GotoAsync("/login?return=%2Falerts");
        await page.Locator("#key").FillAsync(WorkspaceFixture.ApiKey);
        await page.Locator("#key").PressAsync("Enter");
        await page.Locator("#new-url").FillAsync("http://169.254.169.254/latest");
        await page.Locator("#add-key").FillAsync(WorkspaceFixture.ApiKey);
        var response = await page.RunAndWaitForResponseAsync(() => page.Locator("#add-key").PressAsync("Enter"), r => r.Request.Method == "POST");
        Assert.Equal(400, response.Status);
        await Expect(page.Locator("#notice[role=alert]")).ToContainTextAsync("internal address");
    }

    /// <summary>A webhook receiver on a free loopback port: records each call's event and signature headers, answers 200.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        public ConcurrentQueue<(string? Event, string? Signature)> Calls { get; } = new();
        public string Url { get; }

        public Receiver()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/hook";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Calls.Enqueue((context.Request.Headers["X-JourneyML-Event"], context.Request.Headers["X-JourneyML-Signature"]));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
