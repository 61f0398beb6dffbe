using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Tests;

/// <summary>
/// The service on a registry with damaged files, as a night-shift operator meets it: it starts, keeps serving the last
/// good champion and snapshot, says what is wrong without internal paths, and recovers once the file is repaired.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed partial class ServingResilienceTests(ServingFixture fixture)
{
    public static TheoryData<string> DamagedSnapshots => ["empty", "not-parquet", "half-copied"];

    [Theory]
    [MemberData(nameof(DamagedSnapshots))]
    public async Task A_damaged_snapshot_file_is_skipped_at_start_and_while_running_and_the_last_good_one_keeps_serving(string damage)
    {
        var registry = fixture.CopyRegistry();
        var snapshots = Path.Combine(registry, "snapshots");
        var good = Snapshot.List(snapshots)[^1];
        // Named as the newest snapshot, so it is the one the service would serve.
        Damage(good, Path.Combine(snapshots, $"20260801_20261201000000000_{fixture.VersionA}.parquet"), damage);

        await using var api = fixture.Api(registry);
        using var client = api.CreateClient();
        await AssertServes(client, fixture.Latest.AsOf);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("1 snapshot file cannot be read", body);
        Assert.Equal("Degraded", (string?)JsonNode.Parse(body)!["status"]);
        AssertNoInternals(body, registry);

        // A second damaged file arriving while it serves: counted, and the good snapshot still serves.
        Damage(good, Path.Combine(snapshots, $"20260901_20261201000000000_{fixture.VersionA}.parquet"), damage);
        await Waits.UntilAsync(() => client.GetStringAsync("/health/ready"), b => b.Contains("2 snapshot files cannot be read"), "the second damaged file to be noticed");
        await AssertServes(client, fixture.Latest.AsOf);
    }

    [Fact]
    public async Task A_champion_that_could_not_load_at_start_is_served_once_its_file_is_repaired_and_no_answer_shows_a_path()
    {
        var registry = fixture.CopyRegistry();
        var churn = Path.Combine(registry, fixture.VersionB, "churn.zip");
        File.Delete(churn);
        new ModelRegistry(registry).Promote(fixture.VersionB, "promoted by hand while its file is missing", DateTime.UtcNow);

        await using var api = fixture.Api(registry);
        using var client = api.CreateClient().WithKey();
        var notReady = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var reason = await notReady.Content.ReadAsStringAsync();
        Assert.Contains($"champion {fixture.VersionB} failed to load", reason);
        AssertNoInternals(reason, registry);
        var models = await client.GetStringAsync("/v1/models");
        Assert.Contains("missing", models);
        AssertNoInternals(models, registry);

        File.Copy(Path.Combine(fixture.RegistryPath, fixture.VersionB, "churn.zip"), churn);
        var recovered = await Waits.UntilAsync(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "the repaired champion to be served");
        Assert.Contains($"serving {fixture.VersionB}", await recovered.Content.ReadAsStringAsync());
        var prediction = await (await client.PostJson("/v1/predictions", new { customerId = "c", features = new { logins_30d = 3 } })).Json();
        Assert.Equal(fixture.VersionB, (string?)prediction["modelVersion"]);
    }

    [Fact]
    public async Task Rollback_after_promoting_the_champion_again_goes_to_the_previous_different_version()
    {
        var registry = fixture.CopyRegistry();
        await using var api = fixture.Api(registry);
        using var client = api.CreateClient().WithKey();
        foreach (var _ in new[] { 1, 2 })
        {
            var promoted = await client.PostJson($"/v1/models/{fixture.VersionB}/promote", new { reason = "once more" });
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }
        var rolledBack = await (await client.PostAsync("/v1/models/rollback", null)).Json();
        Assert.Equal(fixture.VersionA, (string?)rolledBack["champion"]);
        Assert.Equal(fixture.VersionA, (string?)rolledBack["serving"]);
    }

    [Fact]
    public async Task A_damaged_champion_pointer_is_a_503_saying_so_and_promote_repairs_it()
    {
        var registry = fixture.CopyRegistry();
        var pointer = Path.Combine(registry, ModelRegistry.ChampionFile);
        var text = await File.ReadAllTextAsync(pointer);
        await using var api = fixture.Api(registry);
        using var client = api.CreateClient().WithKey();
        await File.WriteAllTextAsync(pointer, text[..(text.Length / 2)]); // truncated, as by a full disk or a half-finished copy

        foreach (var call in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync("/v1/models"),
            () => client.PostAsync("/v1/models/rollback", null),
        })
        {
            var problem = await (await call()).AssertProblem(503);
            Assert.Contains("champion.json is damaged", (string?)problem["detail"]);
        }
        var ready = await client.GetStringAsync("/health/live");
        Assert.Contains("Healthy", ready);
        Assert.Contains("champion.json is damaged", await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());

        var repaired = await client.PostJson($"/v1/models/{fixture.VersionB}/promote", new { reason = "repair the pointer" });
        Assert.Equal(HttpStatusCode.OK, repaired.StatusCode);
        Assert.Equal(fixture.VersionB, new ModelRegistry(registry).Champion()!.Version);
        var models = await (await client.GetAsync("/v1/models")).Json();
        Assert.Equal(fixture.VersionB, (string?)models["serving"]);
    }

    [Fact]
    public async Task Ready_means_every_serving_path_was_warmed_both_models_explanations_the_snapshot_and_json()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var warmUp = (await ready.Json())["checks"]!.AsArray().Single(c => (string?)c!["name"] == "warm-up")!;
        var counts = WarmUpCounts().Match((string)warmUp["description"]!);
        Assert.True(counts.Success, $"no warm-up counts in {warmUp}");
        foreach (var path in new[] { "predictions", "churn", "lead", "explained", "lookups", "json" })
        {
            Assert.True(int.Parse(counts.Groups[path].Value) > 0, $"the warm-up did not run {path}: {warmUp}");
        }
    }

    [GeneratedRegex(@"(?<predictions>\d+) predictions \((?<churn>\d+) churn risks, (?<lead>\d+) lead scores, (?<explained>\d+) with explanations\), (?<lookups>\d+) snapshot lookups, (?<json>\d+) JSON answers")]
    private static partial Regex WarmUpCounts();

    private static void Damage(string good, string path, string damage)
    {
        switch (damage)
        {
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "not-parquet":
                File.WriteAllText(path, "customer_id,churn_risk\nC1,0.5\n");
                break;
            default:
                var bytes = File.ReadAllBytes(good);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
        }
    }

    private static async Task AssertServes(HttpClient client, DateTime asOf)
    {
        var list = await client.GetAsync("/v1/churn-risk?top=1");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(asOf.ToString("yyyy-MM-dd"), ((string)(await list.Json())["asOf"]!)[..10]);
    }

    /// <summary>An unauthenticated answer names neither the registry's folder nor the files inside it.</summary>
    private static void AssertNoInternals(string body, string registry)
    {
        Assert.DoesNotContain(registry, body);
        Assert.DoesNotContain(Path.GetTempPath(), body);
        Assert.DoesNotContain(".zip", body);
        Assert.DoesNotContain(".parquet", body);
    }
}
