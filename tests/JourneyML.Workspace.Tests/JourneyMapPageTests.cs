using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>The journey map page: pickers, the flow picture with its figures, and the customers behind a stage or a move.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class JourneyMapPageTests(WorkspaceFixture fixture)
{
    private static int Digits(string text) => int.Parse(new string(text.Where(char.IsDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("ja-JP", "カスタマージャーニーマップ", "に現在いる顧客")]
    [InlineData("en-US", "Journey map", "Customers in")]
    public async Task A_stage_clicked_on_the_picture_lists_as_many_customers_as_its_box_shows_each_linking_to_their_page(string locale, string title, string listed)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = title == "Journey map" ? "Journey map" : "ジャーニーマップ" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Expect(page.Locator("#stage-table tbody tr").First).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        // The busiest stage's box: its figure is the count of the list it opens.
        var boxes = page.Locator("svg.flow a.stage");
        Assert.True(await boxes.CountAsync() >= 3);
        int best = -1, most = -1;
        for (int i = 0; i < await boxes.CountAsync(); i++)
        {
            int now = Digits(await boxes.Nth(i).Locator("text.figure").TextContentAsync() ?? "");
            if (now > most)
            {
                (best, most) = (i, now);
            }
        }
        var stage = (await boxes.Nth(best).Locator("text.name").TextContentAsync())!.Trim();
        // By keyboard: the box is a link like any other.
        await boxes.Nth(best).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("stage=.*who=now"));
        await Expect(page.Locator("#members")).ToContainTextAsync(listed);
        await Expect(page.Locator("#members")).ToContainTextAsync(stage);
        Assert.Equal(most, Digits(await page.Locator("#member-count").InnerTextAsync()));
        var rows = page.Locator(".members table.list tbody tr");
        Assert.Equal(Math.Min(most, 50), await rows.CountAsync());
        await Expect(page.Locator("svg.flow a.stage.selected text.name")).ToHaveTextAsync(stage);
        await page.AssertAccessibleAsync();
        if (most > 50)
        {
            await page.Locator(".members .pager a[rel=next]").ClickAsync();
            Assert.Equal(Math.Min(most - 50, 50), await rows.CountAsync());
        }
        var first = rows.First.Locator("td").First.Locator("a");
        var id = (await first.InnerTextAsync()).Trim();
        await first.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/customers/" + Regex.Escape(id) + "$"));
    }

    [Theory]
    [InlineData("ja-JP", "に移動した顧客")]
    [InlineData("en-US", "Customers who moved")]
    public async Task The_most_made_move_lists_who_made_it(string locale, string listed)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/journey-map");
        var move = page.Locator("#move-table tbody tr").First;
        int moves = Digits(await move.Locator("td.num").InnerTextAsync());
        await move.Locator("td.num a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("moveFrom=.*moveTo="));
        await Expect(page.Locator("#members")).ToContainTextAsync(listed);
        int customers = Digits((await page.Locator("#member-count").InnerTextAsync()).Split(['(', '（'])[0]);
        Assert.InRange(customers, 1, moves);
        Assert.Equal(Math.Min(customers, 50), await page.Locator(".members table.list tbody tr").CountAsync());
        await Expect(page.Locator("svg.flow a.move.selected")).ToHaveCountAsync(1);
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Clicking_through_every_stage_and_move_of_a_built_map_is_never_turned_away()
    {
        // More clicks than the API's per-client allowance of maps built on demand (RateLimits:JourneyMapsPerWindow, 6):
        // each reads the map already built.
        var page = await fixture.PageAsync(fixture.Open, "en-US");
        await page.GotoAsync("/journey-map");
        var links = (await page.Locator("#stage-table a, #move-table a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))")).Take(12).ToList();
        Assert.True(links.Count > 6, $"{links.Count} links");
        foreach (var link in links)
        {
            var response = await page.GotoAsync(link);
            Assert.True(response!.Status == 200, $"{link}: {response.Status}");
        }
    }

    [Fact]
    public async Task The_window_and_segment_pickers_redraw_the_map_for_fewer_customers_and_keep_the_choice_in_every_link()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        await page.GotoAsync("/journey-map");
        int everyone = Digits(await page.Locator("dl.kpis dd").First.InnerTextAsync());
        var segment = page.Locator("#segment option").Nth(1);
        var value = await segment.GetAttributeAsync("value");
        await page.Locator("#segment").SelectOptionAsync(value!);
        await page.Locator("#from").FillAsync("2026-04-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "マップを表示" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("segment=" + value));
        await Expect(page.Locator(".context")).ToContainTextAsync("2026年4月1日");
        int inSegment = Digits(await page.Locator("dl.kpis dd").First.InnerTextAsync());
        Assert.InRange(inSegment, 1, everyone - 1);
        Assert.Equal(value, await page.Locator("#segment").InputValueAsync());
        var link = await page.Locator("#stage-table tbody a").First.GetAttributeAsync("href");
        Assert.Contains("segment=" + value, link, StringComparison.Ordinal);
        Assert.Contains("from=2026-04-01", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_map_shows_its_buying_group_and_bad_pickers_are_named_not_ignored()
    {
        var page = await fixture.PageAsync(fixture.Open, "en-US");
        var response = await page.GotoAsync("/journey-map?account=A00020");
        Assert.Equal(200, response!.Status);
        await Expect(page.Locator(".context")).ToContainTextAsync("account A00020");
        var bad = await page.GotoAsync("/journey-map?from=2026-02-30&stage=NoSuchStage");
        Assert.Equal(400, bad!.Status);
        await Expect(page.Locator(".problem")).ToContainTextAsync("from");
        await Expect(page.Locator(".problem")).ToContainTextAsync("NoSuchStage");
        var unknown = await page.GotoAsync("/journey-map?account=NO-SUCH-ACCOUNT");
        Assert.Equal(404, unknown!.Status);
        await Expect(page.Locator("main")).ToContainTextAsync("NO-SUCH-ACCOUNT");
    }

    /// <summary>The default stage set under the names a Japanese team gives it (stages.json in the registry, as the README says).</summary>
    private static readonly Dictionary<string, string> s_japaneseStages = new(StringComparer.Ordinal)
    {
        ["Awareness"] = "認知", ["Interest"] = "興味関心", ["MQL"] = "MQL", ["SQL"] = "SQL", ["Opportunity"] = "商談",
        ["Customer-Onboarding"] = "導入", ["Adoption"] = "定着", ["Renewal/Expansion"] = "更新・拡大",
        ["Churned"] = "解約", ["Dormant"] = "休眠", ["At-risk"] = "要注意",
    };

    [Fact]
    public async Task Japanese_stage_names_from_the_registrys_stages_json_are_drawn_listed_and_linked_as_written()
    {
        // The fixture's registry, copied, with a stages.json naming the stages in Japanese: a second server over it.
        var registry = Path.Combine(fixture.Root, "models-ja-stages");
        foreach (var file in Directory.EnumerateFiles(fixture.Registry, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(registry, Path.GetRelativePath(fixture.Registry, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var json = s_japaneseStages.Aggregate(Core.Stages.StageModel.DefaultJson, (text, kv) => text.Replace($"\"name\": \"{kv.Key}\"", $"\"name\": \"{kv.Value}\"", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(registry, Core.Stages.StageModel.DefaultFileName), json);
        var server = fixture.Start(new Dictionary<string, string?> { ["Registry:Path"] = registry });
        var page = await fixture.PageAsync(server, "ja-JP");
        await page.GotoAsync("/journey-map");
        var names = (await page.Locator("svg.flow a.stage text.name").AllTextContentsAsync()).Select(n => n.Trim()).ToList();
        Assert.Contains("認知", names);
        Assert.All(names, n => Assert.Contains(n, s_japaneseStages.Values));
        await Expect(page.Locator("#stage-table")).ToContainTextAsync("導入");
        // The name goes into the link and comes back as written.
        await page.Locator("svg.flow a.stage", new() { HasText = "認知" }).ClickAsync();
        await Expect(page.Locator("#members")).ToHaveTextAsync("認知 に現在いる顧客");
        Assert.Contains("stage=" + Uri.EscapeDataString("認知"), page.Url, StringComparison.OrdinalIgnoreCase);
        await page.AssertAccessibleAsync();
    }
}
