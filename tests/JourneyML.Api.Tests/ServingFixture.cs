using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Api.Tests;

/// <summary>
/// Models trained once per test run from the committed sample (data-samples/sample) into a temporary registry: two
/// versions (A the champion, B a challenger for promotion tests) and two scoring snapshots a month apart. Tests that
/// change the registry work on their own copy.
/// </summary>
public sealed class ServingFixture : IDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    public ServingFixture()
    {
        Root = TempFolder.Create("api");
        RegistryPath = Path.Combine(Root, "models");
        DataDirectory = SampleWithIdentityColumns(Path.Combine(Root, "data"));
        TrainingRunResult Train(DateTime asOf, TimeProvider clock) => TrainingRun.Run(new TrainingOptions
        {
            Features = new FeatureRunOptions { DataDirectory = DataDirectory, AsOf = asOf },
            RegistryPath = RegistryPath,
            Candidates = [CandidateSpec.Default],
            Force = true,
            Clock = clock,
        }, NullLogger.Instance);
        // Version ids have one-second resolution: each training gets its own clock, B a minute after A (and both
        // before anything a test trains on the real clock), so the two ids differ and sort A before B however fast
        // or slow the machine is.
        var startedAt = TimeProvider.System.GetUtcNow();
        VersionA = Train(new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc), new FixedClock(startedAt.AddMinutes(-2))).Metadata.Version;
        VersionB = Train(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), new FixedClock(startedAt.AddMinutes(-1))).Metadata.Version;
        new ModelRegistry(RegistryPath).Promote(VersionA, "test fixture: A serves", DateTime.UtcNow);
        foreach (var asOf in new[] { new DateTime(2026, 6, 1), new DateTime(2026, 7, 1) })
        {
            ScoringRun.Run(new ScoringOptions
            {
                Features = new FeatureRunOptions { DataDirectory = DataDirectory, AsOf = DateTime.SpecifyKind(asOf, DateTimeKind.Utc) },
                RegistryPath = RegistryPath,
            }, NullLogger.Instance);
        }
        Latest = Snapshot.Read(Snapshot.List(Path.Combine(RegistryPath, "snapshots"))[^1]);
    }

    /// <summary>
    /// The committed sample with a CRM's identifying columns added to its customers (HubSpot's labels: Email, First Name,
    /// Last Name, Company Name, Contact owner), which the snapshot passes through to every list and export.
    /// </summary>
    private static string SampleWithIdentityColumns(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in new[] { "events.parquet", "outcomes.csv", "journeyml.json" })
        {
            File.Copy(Samples.Path("sample", file), Path.Combine(directory, file));
        }
        var lines = File.ReadAllLines(Samples.Path("sample", "customers.csv"));
        File.WriteAllLines(Path.Combine(directory, "customers.csv"), lines.Select((line, i) => i == 0
            ? line + ",Email,First Name,Last Name,Company Name,Contact owner"
            : $"{line},{Email(line.Split(',')[0])},Given{i},Family{i},\"Company {line.Split(',')[1]}, Inc.\",owner{i % 5}@vendor.example"));
        return directory;
    }

    /// <summary>The email the fixture's data gives a customer.</summary>
    public static string Email(string customerId) => customerId.ToLowerInvariant() + "@example.com";

    public string Root { get; }
    public string RegistryPath { get; }
    public string DataDirectory { get; }
    public string VersionA { get; }
    public string VersionB { get; }
    /// <summary>The latest snapshot as written, to check the API's answers against.</summary>
    public Snapshot Latest { get; }

    /// <summary>A copy of the registry for a test that changes it.</summary>
    public string CopyRegistry()
    {
        return TempFolder.Copy(RegistryPath, Path.Combine(TempFolder.Create("api-registry"), "models"));
    }

    /// <summary>The API over a registry, with test settings (fast reloads, an API key) and any overrides.</summary>
    public JourneyApi Api(string? registry = null, IDictionary<string, string?>? settings = null) =>
        new(registry ?? RegistryPath, DataDirectory, settings);

    public void Dispose() => TempFolder.TryDelete(Root);
}

/// <summary>The API in-process (or on Kestrel with <see cref="WebApplicationFactory{T}.UseKestrel()"/>), pointed at a test registry.</summary>
public sealed class JourneyApi(string registry, string data, IDictionary<string, string?>? settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Registry:Path", registry);
        builder.UseSetting("Serving:DataPath", data);
        builder.UseSetting("Serving:ReloadSeconds", "0.2");
        // Every path still runs once before ready (both warm-ups run one round with no budget); the tests' many
        // short-lived servers need not wait for the JIT to settle, each for up to a second twice.
        builder.UseSetting("Serving:WarmUpSeconds", "0");
        builder.UseSetting("Security:ApiKey", ServingFixture.ApiKey);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "Serving";
}
