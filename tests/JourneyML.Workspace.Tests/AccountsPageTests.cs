using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>The accounts page: accounts ranked by their riskiest paying contact, paged, each opening its buying group.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class AccountsPageTests(WorkspaceFixture fixture)
{
    [Theory]
    [InlineData("ja-JP", "解約リスクの高い会社")]
    [InlineData("en-US", "Accounts by churn risk")]
    public async Task Accounts_rank_by_their_riskiest_contact_and_open_their_buying_group(string locale, string title)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/accounts");
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await page.AssertAccessibleAsync();
        var risks = (await page.Locator("table.list tbody tr td:nth-child(3)").AllInnerTextsAsync())
            .Select(t => double.Parse(t.Split('%')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(risks.Count > 1);
        Assert.Equal(risks.OrderByDescending(r => r), risks);
        // The first account's risk is its riskiest contact's: the same figure leads its buying group.
        var first = page.Locator("table.list tbody tr").First;
        var riskiest = (await first.Locator("td:nth-child(7)").InnerTextAsync()).Trim();
        await first.Locator("td:nth-child(2) a").ClickAsync();
        await Expect(page.Locator("table.list tbody tr").First.Locator("td").First).ToHaveTextAsync(riskiest);
    }
}
