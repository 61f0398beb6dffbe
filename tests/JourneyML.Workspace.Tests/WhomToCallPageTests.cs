using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>"Whom to call" in a real browser, over a world with planted interventions: both languages, the order, filters and paging, the export, the effects, accessibility.</summary>
[Collection(UpliftWorkspaceCollection.Name)]
public sealed partial class WhomToCallPageTests(UpliftWorkspaceFixture fixture)
{
    [Fact]
    public async Task A_Japanese_browser_gets_the_list_by_uplift_with_the_exports_own_kind_names_and_each_kinds_measured_effect()
    {
        var page = await fixture.PageAsync("ja-JP");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "誰に連絡するか" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("誰に連絡するか");
        await Expect(page.Locator("#call-list tbody tr").First).ToBeVisibleAsync();
        // Best actions in the export's own words; each uplift says whether it is clear or within noise.
        var actions = (await page.Locator("#call-list tbody td.action").AllInnerTextsAsync()).Select(a => a.Trim()).ToList();
        Assert.All(actions, a => Assert.Contains(a, new[] { UpliftWorkspaceFixture.Call, "discount", "email_campaign" }));
        Assert.DoesNotContain("cs_call", await page.ContentAsync());
        // Segments named in Japanese, in the list and in the effects per segment: never the model's English names.
        var latest = JourneyML.Core.Scoring.SnapshotView.Load(new JourneyML.Core.Registry.ModelRegistry(fixture.Registry).SnapshotsDirectory)!.Latest;
        string html = System.Net.WebUtility.HtmlDecode(await page.ContentAsync());
        Assert.Contains(latest.SegmentNamesJapanese!.Distinct(), html.Contains);
        Assert.DoesNotContain(latest.SegmentNames.Distinct(), html.Contains);
        Assert.All(await page.Locator("#call-list tbody .uplift .verdict").AllInnerTextsAsync(), v => Assert.Contains(v.Trim(), new[] { "明確", "誤差の範囲内" }));
        // The effects panel: the call measured without a control arm (doubly robust), the discount by its randomised holdout.
        var call = page.Locator("#effects-table tbody tr", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = UpliftWorkspaceFixture.Call, Exact = true }) });
        await Expect(call).ToContainTextAsync("二重頑健推定");
        var discount = page.Locator("#effects-table tbody tr", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "discount", Exact = true }) });
        await Expect(discount).ToContainTextAsync("無作為化した比較群");
        await Expect(page.Locator(".effects .methods")).ToContainTextAsync("特徴量に含まれていること");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task The_list_is_ordered_by_uplift_keeps_a_filter_through_paging_and_exports_what_it_shows()
    {
        var page = await fixture.PageAsync("en-US");
        await page.GotoAsync("/whom-to-call?size=25");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Whom to call");
        var uplifts = await Uplifts(page);
        Assert.True(uplifts.Count > 1, "the list shows fewer than two customers");
        Assert.Equal(uplifts.OrderByDescending(u => u), uplifts);
        Assert.All(uplifts, u => Assert.True(u > 0, "a customer no action helps is listed"));
        await page.AssertAccessibleAsync();

        // A stage filter, as on the risk list: every row in that stage, on page 2 as on page 1.
        var stage = (await page.Locator("#stage option").AllInnerTextsAsync()).Skip(1).First();
        await page.GetByLabel("Stage", new() { Exact = true }).SelectOptionAsync(stage);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("stage="));
        int matching = Matching(await page.Locator("#count").InnerTextAsync());
        Assert.True(matching > 0);
        Assert.All(await page.Locator("#call-list tbody tr td:nth-child(5)").AllInnerTextsAsync(), s => Assert.Equal(stage, s.Trim()));
        if (matching > 25)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
            await Expect(page.Locator(".pager .where")).ToHaveTextAsync($"Page 2 of {(matching + 24) / 25}");
            Assert.All(await page.Locator("#call-list tbody tr td:nth-child(5)").AllInnerTextsAsync(), s => Assert.Equal(stage, s.Trim()));
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV", Exact = true }).ClickAsync());
        var lines = File.ReadAllLines(await download.PathAsync(), Encoding.UTF8);
        var header = Fields(lines[0]);
        Assert.Contains("best_action", header);
        Assert.Contains("uplift", header);
        Assert.Contains("uplift_clear", header);
        Assert.Equal(matching, lines.Length - 1);
        int stageAt = Array.IndexOf(header, "stage"), upliftAt = Array.IndexOf(header, "uplift");
        var exported = lines.Skip(1).Select(Fields).ToList();
        Assert.All(exported, f => Assert.Equal(stage, f[stageAt]));
        var values = exported.Select(f => double.Parse(f[upliftAt], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderByDescending(v => v), values);
    }

    [Fact]
    public async Task The_risk_list_links_to_it_and_a_customer_on_it_shows_their_best_action()
    {
        var page = await fixture.PageAsync("en-GB");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Whom to call: the same customers" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Whom to call");
        var first = page.Locator("#call-list tbody tr").First;
        var action = (await first.Locator("td.action").InnerTextAsync()).Trim();
        var uplift = (await first.Locator(".uplift").InnerTextAsync()).Trim();
        await first.Locator("td:nth-child(2) a").ClickAsync();
        var block = page.Locator("section.best-action");
        await Expect(block).ToContainTextAsync(action);
        await Expect(block).ToContainTextAsync(uplift.Split(' ')[0]);
        await page.AssertAccessibleAsync();
    }

    [Theory]
    [InlineData("ja-JP", "ステージ別の施策の効果", "二重頑健推定")]
    [InlineData("en-US", "Interventions by stage", "doubly robust estimate")]
    public async Task The_journey_map_shows_each_intervention_with_its_effect_per_stage(string locale, string heading, string design)
    {
        var page = await fixture.PageAsync(locale);
        await page.GotoAsync("/journey-map");
        var section = page.Locator("#intervention-touchpoints");
        await Expect(section.Locator("h2")).ToHaveTextAsync(heading);
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = UpliftWorkspaceFixture.Call, Exact = true })).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync(design);
        // Every stage row has an effect with its interval, or says too few with its counts.
        var cells = await section.Locator("tbody td:nth-child(4)").AllInnerTextsAsync();
        Assert.NotEmpty(cells);
        Assert.All(cells, c => Assert.Matches(locale == "en-US" ? "95%|too few to say" : "95%|件数不足", c));
        Assert.Contains(cells, c => c.Contains("95%", StringComparison.Ordinal));
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task A_sort_the_list_does_not_have_is_named_with_a_400_not_ignored()
    {
        var page = await fixture.PageAsync("en-US");
        var response = await page.GotoAsync("/whom-to-call?sort=change");
        Assert.Equal(400, response!.Status);
        await Expect(page.Locator(".problem")).ToContainTextAsync("sort: \"change\"");
    }

    /// <summary>One CSV line's fields (quoted fields may hold commas and doubled quotes).</summary>
    private static string[] Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(field.ToString());
        return [.. fields];
    }

    /// <summary>The README's screenshots of the page (taken with JOURNEYML_UPDATE_DOCS=1, as the other pages' are); otherwise each must exist and be shown.</summary>
    [Theory]
    [InlineData("whom-to-call-ja.png", "ja-JP")]
    [InlineData("whom-to-call-en.png", "en-US")]
    public async Task Screenshot_of_whom_to_call_is_in_the_readme(string file, string locale)
    {
        var path = Repo.Path("docs", "workspace", file);
        if (Environment.GetEnvironmentVariable("JOURNEYML_UPDATE_DOCS") == "1")
        {
            var page = await fixture.PageAsync(locale);
            await page.SetViewportSizeAsync(1280, 860);
            await page.GotoAsync("/whom-to-call?size=25");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            await page.Context.CloseAsync();
        }
        Assert.True(File.Exists(path), $"docs/workspace/{file} is missing: run JOURNEYML_UPDATE_DOCS=1 dotnet test tests/JourneyML.Workspace.Tests --filter Screenshot");
        Assert.Contains($"(docs/workspace/{file})", await File.ReadAllTextAsync(Repo.Path("README.md")), StringComparison.Ordinal);
    }

    private static async Task<List<double>> Uplifts(IPage page) =>
        [.. (await page.Locator("#call-list tbody .uplift").AllInnerTextsAsync()).Select(t => Points(t))];

    /// <summary>"+12.3 pt ..." as 0.123.</summary>
    private static double Points(string text)
    {
        var m = PointsPattern().Match(text);
        Assert.True(m.Success, $"no points in '{text}'");
        return double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) / 100 * (m.Groups[1].Value == "+" ? 1 : -1);
    }

    private static int Matching(string count) => int.Parse(CountPattern().Match(count).Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*([+−])([0-9.]+) pt")]
    private static partial Regex PointsPattern();

    [GeneratedRegex(@"^\s*([0-9,]+) customers match")]
    private static partial Regex CountPattern();
}

/// <summary>The page over a registry trained without an interventions table.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class WhomToCallWithoutInterventionsTests(WorkspaceFixture fixture)
{
    [Theory]
    [InlineData("ja-JP", "施策テーブル（interventions）なしで学習", "interventions.csv")]
    [InlineData("en-US", "trained without an interventions table", "interventions.csv")]
    public async Task It_says_in_words_that_nothing_was_measured_and_how_to_add_the_table(string locale, string says, string how)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        var response = await page.GotoAsync("/whom-to-call");
        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("#no-interventions")).ToContainTextAsync(says);
        await Expect(page.Locator("#no-interventions")).ToContainTextAsync(how);
        await Expect(page.Locator("#no-interventions")).ToContainTextAsync("README");
        await page.AssertAccessibleAsync();
    }
}
