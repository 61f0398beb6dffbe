using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>The segments page: the API's segment list side by side, members linked to the filtered list, exports for a campaign tool.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class SegmentsPageTests(WorkspaceFixture fixture)
{
    [Theory]
    [InlineData("ja-JP", "セグメント", "メンバー")]
    [InlineData("en-US", "Segments", "Members")]
    public async Task Segments_side_by_side_link_to_their_members_and_export_them(string locale, string title, string members)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/segments");
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Expect(page.Locator("#segment-table thead")).ToContainTextAsync(members);
        var rows = page.Locator("#segment-table tbody tr");
        Assert.True(await rows.CountAsync() >= 2);
        await page.AssertAccessibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => rows.First.GetByRole(AriaRole.Link, new() { Name = "HubSpot" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToList();
        Assert.Contains("journeyml_customer_id", lines[0], StringComparison.Ordinal);
        // The paying members link to the churn-risk list filtered by the segment: the same number there.
        var link = page.Locator("#segment-table tbody td.num a[href^='/?segment=']").First;
        var paying = new string((await link.InnerTextAsync()).Where(char.IsDigit).ToArray());
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("segment=[0-9]+"));
        await Expect(page.Locator("#count")).ToContainTextAsync(paying);
    }
}
