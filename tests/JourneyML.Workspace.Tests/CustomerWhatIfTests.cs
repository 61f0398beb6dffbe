using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static JourneyML.Workspace.Tests.BrowserSupport;

namespace JourneyML.Workspace.Tests;

/// <summary>The customer page's time to churn (the survival curve with its numbers) and what-if (change a value, see the risk move).</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class CustomerWhatIfTests(WorkspaceFixture fixture)
{
    private static double Percent(string text) =>
        double.Parse(Regex.Match(text, @"[0-9]+(\.[0-9]+)?(?=%)").Value, System.Globalization.CultureInfo.InvariantCulture) / 100;

    private async Task<IPage> RiskiestCustomerAsync(string locale)
    {
        var page = await fixture.PageAsync(fixture.Open, locale);
        await page.GotoAsync("/");
        await page.Locator("table.list tbody tr").First.Locator("td:nth-child(2) a").ClickAsync();
        return page;
    }

    [Theory]
    [InlineData("ja-JP", "解約までの期間", "30 日以内", "180 日以内")]
    [InlineData("en-US", "Time to churn", "Within 30 days", "Within 180 days")]
    public async Task A_paying_customer_shows_the_chance_of_churning_within_30_to_180_days_as_a_chart_and_a_table(string locale, string heading, string first, string last)
    {
        var page = await RiskiestCustomerAsync(locale);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        var rows = page.Locator("#ttc-table tbody tr");
        Assert.Equal(4, await rows.CountAsync()); // 30, 60, 90, 180 days
        await Expect(rows.First.Locator("th")).ToHaveTextAsync(first);
        await Expect(rows.Last.Locator("th")).ToHaveTextAsync(last);
        var within = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            within.Add(Percent(await rows.Nth(i).Locator("td").First.InnerTextAsync()));
        }
        // A survival curve only falls: the chance of having churned never shrinks with time.
        Assert.Equal(within.Order(), within);
        Assert.Equal(6, await page.Locator("svg.survival circle").CountAsync());
        var median = await page.Locator("#ttc-median").InnerTextAsync();
        // Beyond 180 days exactly when the chance within 180 days stays under one half.
        Assert.Equal(within[^1] < 0.5, median.Contains("180", StringComparison.Ordinal));
        // Under the curve, what moves it, in the page's language, each saying which way.
        var ttcFactors = await page.Locator("#ttc-factors li").AllInnerTextsAsync();
        Assert.NotEmpty(ttcFactors);
        Assert.All(ttcFactors, f => Assert.Matches(locale == "ja-JP" ? "（解約を(早める|遅らせる)要因）$" : @"\((shortens|lengthens) time to churn\)$", f));
        await page.AssertAccessibleAsync();
    }

    [Theory]
    [InlineData("ja-JP", "試算する", "変更後の解約リスク")]
    [InlineData("en-US", "Try it", "Churn risk after")]
    public async Task Changing_tickets_and_logins_moves_the_risk_and_shows_the_reasons_after(string locale, string button, string after)
    {
        var page = await RiskiestCustomerAsync(locale);
        var url = page.Url;
        // By keyboard and labels, as a user fills a form.
        await page.GetByLabel(locale == "ja-JP" ? "変更する特徴量 1" : "Feature 1").SelectOptionAsync("tickets_30d");
        await page.GetByLabel(locale == "ja-JP" ? "新しい値 1" : "New value 1").FillAsync("0");
        await page.GetByLabel(locale == "ja-JP" ? "変更する特徴量 2" : "Feature 2").SelectOptionAsync("logins_30d");
        await page.GetByLabel(locale == "ja-JP" ? "新しい値 2" : "New value 2").FillAsync("40");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = button })).ToBeVisibleAsync();
        await page.GetByLabel(locale == "ja-JP" ? "新しい値 2" : "New value 2").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("f1=tickets_30d"));
        var result = page.Locator("#what-if-result");
        await Expect(result).ToContainTextAsync(after);
        double before = Percent(await result.Locator("dd").Nth(0).InnerTextAsync());
        double moved = Percent(await result.Locator("dd").Nth(1).InnerTextAsync());
        // The riskiest customer, with no tickets and many logins: less at risk.
        Assert.True(moved < before, $"risk {before} -> {moved}");
        await Expect(result).ToContainTextAsync("tickets_30d");
        Assert.True(await page.Locator("#what-if-reasons li").CountAsync() >= 1);
        // The reasons after are in the page's language (the direction's words are the easiest tell).
        await Expect(page.Locator("#what-if-reasons li").First).ToContainTextAsync(locale == "ja-JP" ? "要因" : "churn risk");
        // "Before" is the snapshot's risk (the snapshot keeps every value it scored, the export's own attributes too), and no feature is named as missing.
        var legend = page.Locator(".what-if-result .legend");
        await Expect(legend).ToContainTextAsync(await result.Locator("dd").Nth(0).InnerTextAsync());
        await Expect(legend).Not.ToContainTextAsync("業種");
        // The form keeps what was typed.
        Assert.Equal("40", await page.Locator("#v2").InputValueAsync());
        await page.AssertAccessibleAsync();
        Assert.StartsWith(url.Split('?')[0], page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_not_a_number_is_named_with_its_feature_and_nothing_is_scored()
    {
        var page = await fixture.PageAsync(fixture.Open, "ja-JP");
        await page.GotoAsync("/");
        var href = await page.Locator("table.list tbody tr").First.Locator("td:nth-child(2) a").GetAttributeAsync("href");
        var response = await page.GotoAsync(href + "?f1=logins_30d&v1=たくさん&f2=no_such_feature&v2=1");
        Assert.Equal(400, response!.Status);
        await Expect(page.Locator("#what-if ~ .problem")).ToContainTextAsync("logins_30d：数値を入力してください");
        await Expect(page.Locator("#what-if ~ .problem")).ToContainTextAsync("no_such_feature");
        await Expect(page.Locator("#what-if-result")).ToHaveCountAsync(0);
        // Full-width digits from a Japanese input method are numbers.
        var wide = await page.GotoAsync(href + "?f1=logins_30d&v1=１２");
        Assert.True(wide!.Status == 200, await page.Locator("main").InnerTextAsync());
        await Expect(page.Locator("#what-if-result")).ToContainTextAsync("12");
    }
}
