using Microsoft.Playwright;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// The README's screenshots of the workspace: taken from the fixture's pages with JOURNEYML_UPDATE_DOCS=1 (as the CLI
/// reference is regenerated); otherwise each must exist and be the one the README shows.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ScreenshotTests(WorkspaceFixture fixture)
{
    private static readonly (string File, string Locale, string Path)[] s_shots =
    [
        ("churn-risk-ja.png", "ja-JP", "/"),
        ("churn-risk-en.png", "en-US", "/"),
        // The customer with a what-if tried: no tickets, logins back up.
        ("customer-ja.png", "ja-JP", "/customers/{first}?f1=tickets_30d&v1=0&f2=logins_30d&v2=40"),
        ("customer-en.png", "en-US", "/customers/{first}?f1=tickets_30d&v1=0&f2=logins_30d&v2=40"),
        ("journey-map-ja.png", "ja-JP", "/journey-map"),
        ("journey-map-en.png", "en-US", "/journey-map"),
        ("segments-ja.png", "ja-JP", "/segments"),
        ("segments-en.png", "en-US", "/segments"),
        ("models-ja.png", "ja-JP", "/models"),
        ("models-en.png", "en-US", "/models"),
        ("alerts-ja.png", "ja-JP", "/alerts"),
        ("alerts-en.png", "en-US", "/alerts"),
    ];

    [Fact]
    public async Task The_readme_shows_a_screenshot_of_each_main_page_in_both_languages()
    {
        var folder = Repo.Path("docs", "workspace");
        if (Environment.GetEnvironmentVariable("JOURNEYML_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(folder);
            foreach (var (file, locale, path) in s_shots)
            {
                var page = await fixture.PageAsync(fixture.Open, locale);
                await page.SetViewportSizeAsync(1280, 860);
                await page.GotoAsync("/");
                var first = (await page.Locator("table.list tbody tr").First.Locator("td:nth-child(2) a").InnerTextAsync()).Trim();
                await page.GotoAsync(path.Replace("{first}", first, StringComparison.Ordinal));
                if (path == "/journey-map")
                {
                    // The map with a stage clicked: its customers listed under it.
                    var busiest = await page.Locator("svg.flow a.stage text.figure").EvaluateAllAsync<int>(
                        "figures => figures.map(f => parseInt(f.textContent.replace(/[^0-9]/g, ''))).reduce((best, n, i, all) => n > all[best] ? i : best, 0)");
                    await page.Locator("svg.flow a.stage").Nth(busiest).ClickAsync();
                    await page.Locator("#members").WaitForAsync();
                }
                // The customer page whole (its chart and buying group are below the fold); the list as a screen shows it.
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, file), FullPage = path != "/" });
                await page.Context.CloseAsync();
            }
        }
        var readme = await File.ReadAllTextAsync(Repo.Path("README.md"));
        foreach (var (file, _, _) in s_shots)
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"docs/workspace/{file} is missing: run JOURNEYML_UPDATE_DOCS=1 dotnet test tests/JourneyML.Workspace.Tests --filter Screenshot");
            Assert.Contains($"(docs/workspace/{file})", readme, StringComparison.Ordinal);
        }
    }
}
