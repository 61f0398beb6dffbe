using System.Text;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>The churn-risk list in a real browser: both languages, filters, paging, the export, accessibility.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ChurnRiskPageTests(WorkspaceFixture fixture)
{
    [Fact]
    public async Task A_Japanese_browser_gets_the_list_in_Japanese_with_the_exports_own_column_and_values()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        var requests = page.RecordRequests();
        var response = await page.GotoAsync("/");
        Assert.Equal(200, response!.Status);
        Assert.Equal("ja", await page.Locator("html").GetAttributeAsync("lang"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("解約リスク");
        // Dates as a Japanese reader writes them; the owner column under its own name, with its values.
        await Expect(page.Locator(".context")).ToContainTextAsync("2026年7月1日時点のスナップショット");
        await Expect(page.Locator("table.list thead")).ToContainTextAsync(WorkspaceFixture.OwnerColumn);
        await Expect(page.Locator("table.list tbody")).ToContainTextAsync(WorkspaceFixture.Owners[0]);
        await page.AssertAccessibleAsync();
        // Nothing is loaded from outside the service; the policy that forbids it is on the answer.
        Assert.All(requests, url => Assert.StartsWith(fixture.Open.Address.ToString(), url, StringComparison.Ordinal));
        Assert.Contains("default-src 'self'", response.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", response.Headers["content-security-policy"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filtering_by_the_owner_column_and_paging_keep_the_filter_and_the_ranks()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        await page.GotoAsync("/?size=25");
        var all = await Matching(page);
        Assert.True(all > 25, $"the fixture has {all} paying customers: too few to page");
        await page.GetByLabel(WorkspaceFixture.OwnerColumn, new() { Exact = true }).SelectOptionAsync(WorkspaceFixture.Owners[1]);
        await page.GetByRole(AriaRole.Button, new() { Name = "適用" }).ClickAsync();
        await Expect(page.Locator("#count")).Not.ToContainTextAsync($"該当 {all} 件");
        var owned = await Matching(page);
        Assert.InRange(owned, 1, all - 1);
        var owners = await page.Locator("table.list tbody tr td:nth-child(4)").AllInnerTextsAsync();
        Assert.All(owners, o => Assert.Equal(WorkspaceFixture.Owners[1], o.Trim()));

        // Paging the whole list: page 2 starts at rank 26, and says where it is.
        await page.GotoAsync("/?size=25");
        await page.GetByRole(AriaRole.Link, new() { Name = "次へ" }).ClickAsync();
        await Expect(page.Locator(".pager .where")).ToHaveTextAsync($"{(all + 24) / 25} ページ中 2 ページ目");
        await Expect(page.Locator("table.list tbody tr").First.Locator("td").First).ToHaveTextAsync("26");
        await page.Keyboard.PressAsync("/");
        await Expect(page.Locator("#q")).ToBeFocusedAsync(); // the page's script runs under the policy
    }

    [Fact]
    public async Task An_English_browser_gets_English_switches_to_Japanese_and_stays_there()
    {
        var page = await fixture.PageAsync(fixture.Open, "en-US");
        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Churn risk");
        await Expect(page.Locator(".context")).ToContainTextAsync("Snapshot as of Jul 1, 2026");
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "日本語" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("解約リスク");
        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("解約リスク");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Churn risk");
    }

    [Fact]
    public async Task The_filtered_list_downloads_as_the_shared_export_shape()
    {
        var page = await fixture.PageAsync(fixture.Open, "en-GB");
        await page.GotoAsync("/");
        await page.GetByLabel("Risk band").SelectOptionAsync("high");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("band=high"));
        int high = await Matching(page);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV", Exact = true }).ClickAsync());
        Assert.EndsWith("-journeyml.csv", download.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!, Encoding.UTF8)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("rank,customer_id,account_id," + WorkspaceFixture.OwnerColumn + ",status,", lines[0], StringComparison.Ordinal);
        Assert.Equal(high, lines.Count - 1);
        Assert.Contains(lines.Skip(1), l => WorkspaceFixture.Owners.Any(o => l.Contains("," + o + ",", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Search_by_part_of_an_id_from_the_keyboard_finds_only_those_customers()
    {
        var page = await fixture.PageAsync(fixture.Open, "en-US");
        await page.GotoAsync("/");
        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("C00001");
        await page.Keyboard.PressAsync("Enter"); // the form submits from the search box
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=C00001"));
        var ids = await page.Locator("table.list tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.StartsWith("C00001", id.Trim(), StringComparison.Ordinal));
        Assert.Equal(ids.Count, await Matching(page));
    }

    [Fact]
    public async Task A_filter_that_does_not_parse_is_named_on_the_page_with_a_400()
    {
        var page = await fixture.PageAsync(fixture.Open, "en-US");
        var response = await page.GotoAsync("/?segment=abc&band=extreme");
        Assert.Equal(400, response!.Status);
        await Expect(page.Locator(".problem")).ToContainTextAsync("segment: \"abc\" is not a valid value");
        await Expect(page.Locator(".problem")).ToContainTextAsync("band: \"extreme\"");
    }

    private static async Task<int> Matching(IPage page)
    {
        var text = await page.Locator("#count").InnerTextAsync();
        var digits = new string(text.SkipWhile(c => !char.IsDigit(c)).TakeWhile(c => char.IsDigit(c) || c == ',').Where(char.IsDigit).ToArray());
        return int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }
}
