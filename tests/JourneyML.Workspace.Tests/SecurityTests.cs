using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>Reads follow Security:ProtectReads: the browser signs in with the key once, holds only an HttpOnly session, and nothing of a customer reaches the log.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class SecurityTests(WorkspaceFixture fixture)
{
    [Fact]
    public async Task With_reads_protected_the_browser_signs_in_once_and_never_holds_the_key()
    {
        var server = fixture.Start(new Dictionary<string, string?> { ["Security:ProtectReads"] = "true" });
        var page = await fixture.PageAsync(server, "en-US");
        await page.GotoAsync("/customers/C000069");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?return="));
        await page.AssertAccessibleAsync();
        await page.GetByLabel("API key").FillAsync("not-the-key-at-all-0000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync("That is not this service's API key.");

        await page.GetByLabel("API key").FillAsync(WorkspaceFixture.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Customer C000069"); // back where the user was going
        Assert.DoesNotContain(WorkspaceFixture.ApiKey, await page.ContentAsync(), StringComparison.Ordinal);
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "journeyml-session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(WorkspaceFixture.ApiKey, session.Value, StringComparison.Ordinal);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => String(document.cookie.match(/journeyml-session/) ?? undefined)"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [Fact]
    public async Task A_forged_session_and_a_sign_in_from_another_site_are_refused()
    {
        var server = fixture.Start(new Dictionary<string, string?> { ["Security:ProtectReads"] = "true" });
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Address };
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/");
        forged.Headers.Add("Cookie", "journeyml-session=99999999999.AAAA");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await client.SendAsync(forged)).StatusCode);
        using var header = new HttpRequestMessage(HttpMethod.Get, "/");
        header.Headers.Add("X-Api-Key", WorkspaceFixture.ApiKey);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(header)).StatusCode);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("key", WorkspaceFixture.ApiKey)]) };
        crossSite.Headers.Add("Origin", "https://attacker.example");
        var refused = await client.SendAsync(crossSite);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Searching_and_opening_customers_leaves_no_customer_value_in_the_log()
    {
        var server = fixture.Start(new Dictionary<string, string?>());
        var page = await fixture.PageAsync(server, "ja-JP");
        await page.GotoAsync("/?q=C000069&col." + Uri.EscapeDataString(WorkspaceFixture.OwnerColumn) + "=" + Uri.EscapeDataString(WorkspaceFixture.Owners[0]));
        await page.GotoAsync("/customers/C000069");
        await Expect(page.Locator("h1")).ToHaveTextAsync("顧客 C000069");
        await page.GotoAsync("/accounts/A00020");
        var lines = server.Log.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("/customers/{id}", StringComparison.Ordinal)); // the route template is logged...
        foreach (var value in new[] { "C000069", "A00020", WorkspaceFixture.Owners[0], "業種", "製造" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(value, StringComparison.Ordinal)); // ...never the customer's values
        }
    }
}
