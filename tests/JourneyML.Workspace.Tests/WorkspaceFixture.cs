using System.Text;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Serilog.Core;
using Serilog.Events;
using System.Collections.Concurrent;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// The Japanese export (data-samples/ja-export, Shift_JIS, 171 customers) with an owner column (担当者) added, trained
/// once into a temporary registry and scored twice a month apart (so changes and a risk history exist); the API serving
/// it on a free loopback port (Kestrel, the real socket a browser needs); and Debian's chromium driven by Playwright.
/// </summary>
public sealed class WorkspaceFixture : IAsyncLifetime
{
    public const string ApiKey = "workspace-test-key-0123456789";
    public static readonly string[] Owners = ["佐藤", "鈴木", "高橋"];
    public const string OwnerColumn = "担当者";

    private readonly List<WebApplicationFactory<Program>> _servers = [];

    public string Root { get; } = TempFolder.Create("workspace");
    public string Registry => Path.Combine(Root, "models");
    public string Data => Path.Combine(Root, "data");
    public IPlaywright Playwright { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    /// <summary>The server with reads open (the default).</summary>
    public Server Open { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        JapaneseExportWithOwners(Data);
        var asOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        TrainingRun.Run(new TrainingOptions
        {
            // One 90-day horizon before the export's end, so the labels after it are known (what `train` picks by default).
            Features = new FeatureRunOptions { DataDirectory = Data, AsOf = asOf.AddDays(-90) },
            RegistryPath = Registry,
            Candidates = [CandidateSpec.Default],
            Force = true,
        }, NullLogger.Instance);
        foreach (var date in new[] { asOf.AddMonths(-1), asOf })
        {
            ScoringRun.Run(new ScoringOptions { Features = new FeatureRunOptions { DataDirectory = Data, AsOf = date }, RegistryPath = Registry }, NullLogger.Instance);
        }
        Open = Start(new Dictionary<string, string?>());
        // Playwright's driver ships in its package; the browser is Debian's, never one it downloads.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        });
    }

    /// <summary>
    /// A registry of its own for tests that change it (promote, roll back): a copy of this one's, with a second version
    /// trained on the same export and made the champion, so the first is what a rollback brings back.
    /// </summary>
    public string RegistryWithTwoVersions(string name)
    {
        var registry = RegistryCopy(name);
        TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = Data, AsOf = new DateTime(2026, 4, 2, 0, 0, 0, DateTimeKind.Utc) },
            RegistryPath = registry,
            Candidates = [CandidateSpec.Default],
            Force = true,
        }, NullLogger.Instance);
        return registry;
    }

    /// <summary>A copy of this registry (models and snapshots) for a test that writes to it.</summary>
    public string RegistryCopy(string name)
    {
        var registry = Path.Combine(Root, name);
        CopyFolder(Registry, registry);
        return registry;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Another server over the same registry with these settings (ProtectReads, for example).</summary>
    public Server Start(IDictionary<string, string?> settings, int port = 0)
    {
        var sink = new CollectingSink();
        var factory = new WorkspaceApi(b =>
        {
            b.UseSetting("Registry:Path", Registry);
            b.UseSetting("Serving:DataPath", Data);
            b.UseSetting("Serving:ReloadSeconds", "1");
            b.UseSetting("Serving:WarmUpSeconds", "0");
            b.UseSetting("Security:ApiKey", ApiKey);
            // Everything the service logs, every level: the test reads it for customer values.
            b.UseSetting("Serilog:MinimumLevel:Default", "Verbose");
            b.UseSetting("Serilog:MinimumLevel:Override:Microsoft", "Verbose");
            b.UseSetting("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Verbose");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(sink));
        });
        lock (_servers)
        {
            _servers.Add(factory);
        }
        return new Server(factory.StartOnLoopback(port), sink);
    }

    /// <summary>A fresh browser context (its own cookies) with the browser's language set, as a user's browser sends it.</summary>
    public async Task<IPage> PageAsync(Server server, string locale)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Address.ToString(),
            Locale = locale,
            AcceptDownloads = true,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = locale },
        });
        return await context.NewPageAsync();
    }

    /// <summary>The Japanese export with a 担当者 column (owners in turn), written back in Shift_JIS as the export is.</summary>
    private static void JapaneseExportWithOwners(string directory)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var sjis = Encoding.GetEncoding("shift_jis");
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(Samples.Path("ja-export")).Where(f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
        var customers = Path.Combine(directory, "顧客.csv");
        var lines = File.ReadAllLines(customers, sjis).Where(l => l.Length > 0).ToArray();
        File.WriteAllLines(customers, lines.Select((line, i) => i == 0 ? line + "," + OwnerColumn : line + "," + Owners[i % Owners.Length]), sjis);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        TempFolder.TryDelete(Root);
    }
}

/// <summary>
/// The API configured by <paramref name="configure"/>. A subclass, not WithWebHostBuilder: Kestrel on port 0 is set on the
/// factory itself (a derived factory would bind the default port 5000, and the second server would fail).
/// </summary>
internal sealed class WorkspaceApi(Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) => configure(builder);
}

/// <summary>A running server: its address and everything it logged.</summary>
public sealed record Server(Uri Address, CollectingSink Log);

/// <summary>Every log event the server wrote, rendered as its console gets it.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly Serilog.Formatting.Compact.RenderedCompactJsonFormatter _formatter = new();
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        _formatter.Format(logEvent, writer);
        Lines.Enqueue(writer.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class WorkspaceCollection : ICollectionFixture<WorkspaceFixture>
{
    public const string Name = "Workspace";
}
