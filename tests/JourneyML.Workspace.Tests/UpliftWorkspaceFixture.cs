using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.SampleData;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// A generated B2B world with planted interventions (CS calls aimed at the riskiest, named 電話 as a Japanese export would
/// name them; randomised discount and email campaigns with control arms), trained and scored once, served on a loopback
/// port, with Debian's chromium driven by Playwright.
/// </summary>
public sealed class UpliftWorkspaceFixture : IAsyncLifetime
{
    /// <summary>The export's own word for a CS call: shown as written, never translated.</summary>
    public const string Call = "電話";
    public static readonly GeneratorOptions World = new() { Customers = 2500, Seed = 8, Interventions = true };

    private WorkspaceApi? _server;

    public string Root { get; } = TempFolder.Create("workspace-uplift");
    public string Data => Path.Combine(Root, "data");
    public string Registry => Path.Combine(Root, "models");
    public Uri Address { get; private set; } = default!;
    public IPlaywright Playwright { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        new SampleGenerator(World).Generate(Data);
        var interventions = Path.Combine(Data, "interventions.csv");
        File.WriteAllLines(interventions, File.ReadAllLines(interventions).Select(l => l.Replace(",cs_call,", "," + Call + ",", StringComparison.Ordinal)));
        var features = new FeatureRunOptions { DataDirectory = Data, AsOf = World.ReferenceAsOf, HorizonDays = World.HorizonDays };
        TrainingRun.Run(new TrainingOptions { Features = features, RegistryPath = Registry, Candidates = [CandidateSpec.Default], Segments = 4, Backtest = false, Force = true }, NullLogger.Instance);
        ScoringRun.Run(new ScoringOptions { Features = features, RegistryPath = Registry }, NullLogger.Instance);
        _server = new WorkspaceApi(b =>
        {
            b.UseSetting("Registry:Path", Registry);
            b.UseSetting("Serving:DataPath", Data);
            b.UseSetting("Serving:WarmUpSeconds", "0");
        });
        Address = _server.StartOnLoopback();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        });
    }

    public async Task<IPage> PageAsync(string locale)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            Locale = locale,
            AcceptDownloads = true,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = locale },
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        TempFolder.TryDelete(Root);
    }
}

[CollectionDefinition(Name)]
public sealed class UpliftWorkspaceCollection : ICollectionFixture<UpliftWorkspaceFixture>
{
    public const string Name = "Workspace with interventions";
}
