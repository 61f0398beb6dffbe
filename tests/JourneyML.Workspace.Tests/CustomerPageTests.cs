using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>The customer and account pages in a real browser, reached from the list as a CS manager would.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class CustomerPageTests(WorkspaceFixture fixture)
{
    [Fact]
    public async Task The_riskiest_customer_opens_from_the_list_with_reasons_chart_timeline_activity_in_the_exports_words_and_buying_group()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        await page.GotoAsync("/");
        var first = page.Locator("table.list tbody tr").First.Locator("td:nth-child(2) a");
        var id = (await first.InnerTextAsync()).Trim();
        await first.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync($"顧客 {id}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "理由（上位）" })).ToBeVisibleAsync();
        Assert.True(await page.Locator("ol.factors li").CountAsync() >= 1);
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("93 件中 1 位");
        // Two snapshots: the risk over time is drawn, as an image with a name.
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "直近 2 回のスナップショットの解約リスク" })).ToBeVisibleAsync();
        Assert.Equal(2, await page.Locator("#over-time ~ svg.chart circle").CountAsync());
        await Expect(page.Locator("ol.timeline li").First).ToContainTextAsync("2026年6月1日");
        // Activity named with the export's own event names (journeyml.json: ログイン -> login).
        await Expect(page.Locator("#activity ~ table")).ToContainTextAsync("ログイン");
        await Expect(page.Locator("#activity ~ table")).ToContainTextAsync("問い合わせ");
        // The buying group: the customer's own row is marked, the others link to their pages.
        await Expect(page.Locator("#group ~ .table-wrap [aria-current=page]")).ToHaveTextAsync(id);
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync(WorkspaceFixture.OwnerColumn);
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_customer_page_in_English_and_the_account_page_from_it()
    {
        var page = await fixture.PageAsync(fixture.Open, "en-US");
        await page.GotoAsync("/");
        await page.Locator("table.list tbody tr").First.Locator("td:nth-child(2) a").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Why: the top reasons" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What changed since the last snapshot" })).ToBeVisibleAsync();
        await Expect(page.Locator("#changed ~ p").First).ToContainTextAsync("since Jun 1, 2026");
        await page.AssertAccessibleAsync();
        var account = page.Locator("dl.facts").First.Locator("a[href^='/accounts/']");
        var accountId = (await account.InnerTextAsync()).Trim();
        await account.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync($"Account {accountId}");
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("Decision-maker engaged");
        Assert.True(await page.Locator("table.list tbody tr").CountAsync() >= 1);
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_account_page_in_Japanese()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        await page.GotoAsync("/accounts/A00020");
        await Expect(page.Locator("h1")).ToHaveTextAsync("会社 A00020");
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("決裁者の関与");
        await Expect(page.Locator("table.list caption")).ToHaveTextAsync("会社 A00020 のコンタクト（リスクの高い順）");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task An_unknown_customer_is_a_404_page_in_the_browsers_language()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        var response = await page.GotoAsync("/customers/NO-SUCH-ID");
        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("見つかりません");
    }
}
