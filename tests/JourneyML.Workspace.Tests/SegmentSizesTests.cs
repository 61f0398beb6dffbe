using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>Segment sizes over the snapshots (a chart with its table) and a segment's own page: members paged, exports.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class SegmentSizesTests(WorkspaceFixture fixture)
{
    private static int Digits(string text) => int.Parse(new string(text.Where(char.IsDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("ja-JP", "セグメント規模の推移", "2026年7月1日", "2026年6月1日")]
    [InlineData("en-US", "Segment sizes over time", "Jul 1, 2026", "Jun 1, 2026")]
    public async Task Each_snapshot_has_its_segment_sizes_in_a_chart_and_a_table_that_adds_up_to_the_snapshot(string locale, string heading, string latest, string earlier)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/segments");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading })).ToBeVisibleAsync();
        var segments = await page.Locator("#segment-table").Locator("tbody tr").CountAsync();
        Assert.Equal(segments, await page.Locator("svg.sizes polyline").CountAsync());
        var rows = page.Locator("#sizes-table tbody tr");
        Assert.Equal(2, await rows.CountAsync()); // the fixture scored twice
        await Expect(rows.Nth(0).Locator("th")).ToHaveTextAsync(latest);
        await Expect(rows.Nth(1).Locator("th")).ToHaveTextAsync(earlier);
        // Every customer of a snapshot is in one segment: the row adds up to the snapshot's 171 customers.
        for (int r = 0; r < 2; r++)
        {
            var cells = rows.Nth(r).Locator("td.num");
            int sum = 0;
            for (int c = 0; c < await cells.CountAsync(); c++)
            {
                sum += Digits(await cells.Nth(c).InnerTextAsync());
            }
            Assert.Equal(171, sum);
        }
        // The latest row agrees with the members column above.
        var firstSize = Digits((await page.Locator("#segment-table").Locator("tbody tr").First.Locator("td.num span").First.InnerTextAsync()));
        Assert.Equal(firstSize, Digits(await rows.Nth(0).Locator("td.num").First.InnerTextAsync()));
        await page.AssertAccessibleAsync();
    }

    [Theory]
    [InlineData("ja-JP", "メンバー一覧")]
    [InlineData("en-US", "Members")]
    public async Task A_segment_opens_with_its_members_paged_each_linking_to_the_customer_and_the_same_export(string locale, string members)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/segments");
        var link = page.Locator("#segment-table").Locator("tbody th a").First;
        var name = (await link.InnerTextAsync()).Trim();
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/segments/[0-9]+$"));
        await Expect(page.Locator("h1")).ToContainTextAsync(name.Split(" · ")[1]);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = members, Exact = true })).ToBeVisibleAsync();
        int total = Digits(await page.Locator("dl.facts dd").First.InnerTextAsync());
        var rows = page.Locator("#member-list ~ .table-wrap tbody tr");
        Assert.Equal(Math.Min(total, 50), await rows.CountAsync());
        await page.AssertAccessibleAsync();
        // The export is the API's segment export: one line per member.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(".export").GetByRole(AriaRole.Link, new() { Name = "HubSpot" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToList();
        Assert.Equal(total + 1, lines.Count);
        if (total > 50)
        {
            await page.Locator(".pager a[rel=next]").ClickAsync();
            Assert.Equal(Math.Min(total - 50, 50), await rows.CountAsync());
        }
        var id = (await rows.First.Locator("td a").First.InnerTextAsync()).Trim();
        await rows.First.Locator("td a").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/customers/" + Regex.Escape(id) + "$"));
    }

    [Fact]
    public async Task An_unknown_segment_and_a_page_past_the_end_are_said_not_served_blank()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        var unknown = await page.GotoAsync("/segments/999");
        Assert.Equal(404, unknown!.Status);
        await Expect(page.Locator("main")).ToContainTextAsync("セグメント 999");
        var past = await page.GotoAsync("/segments/0?page=999");
        Assert.Equal(400, past!.Status);
    }
}
