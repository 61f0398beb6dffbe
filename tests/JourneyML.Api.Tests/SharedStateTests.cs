using System.Net;
using System.Text.Json;
using JourneyML.Api.Alerts;
using JourneyML.Api.Jobs;
using JourneyML.Api.Serving;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Api.Tests;

/// <summary>What several instances on one registry share, and what survives an instance that died: leases, job states, webhook deliveries.</summary>
[Collection(ServingCollection.Name)]
public sealed class SharedStateTests(ServingFixture fixture)
{
    private static readonly LeaseHolder s_otherMachine = new("other", "another-machine", 4242, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    /// <summary>A holder on this machine whose process is gone (its process id now belongs to a process started at another time).</summary>
    private static readonly LeaseHolder s_deadHere = new("dead", Environment.MachineName, Environment.ProcessId, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void A_lease_is_held_by_one_holder_until_released_expired_or_its_process_is_gone()
    {
        var path = Path.Combine(TempFolder.Create("lease"), "thing.lease");
        var me = LeaseHolder.ForThisProcess();
        var first = FileLease.TryTake(path, s_otherMachine, TimeSpan.FromHours(1), "job-1");
        Assert.NotNull(first);
        Assert.Null(FileLease.TryTake(path, me, TimeSpan.FromHours(1)));
        Assert.Equal("job-1", FileLease.Read(path)!.Subject);
        first.Release();
        var mine = FileLease.TryTake(path, me, TimeSpan.FromHours(1));
        Assert.NotNull(mine);
        Assert.True(mine.Renew(TimeSpan.FromHours(1)));
        mine.Release();

        // Expired: taken over; the old holder learns it lost the lease when it renews.
        var expired = FileLease.TryTake(path, s_otherMachine, TimeSpan.FromSeconds(-1))!;
        var taken = FileLease.TryTake(path, me, TimeSpan.FromHours(1));
        Assert.NotNull(taken);
        Assert.False(expired.Renew(TimeSpan.FromHours(1)));
        Assert.Equal(me, FileLease.Read(path)!.Holder);
        taken.Release();

        // A holder on this machine whose process is gone: taken over at once, long before its lease would expire.
        Assert.NotNull(FileLease.TryTake(path, s_deadHere, TimeSpan.FromHours(1)));
        Assert.NotNull(FileLease.TryTake(path, me, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Two_instances_on_one_registry_call_a_webhook_once_for_a_new_snapshot()
    {
        var registry = fixture.CopyRegistry();
        using var receiver = new WebhookReceiver(("127.0.0.1", "/hook/"));
        var url = receiver.Url("127.0.0.1", "/hook/");
        var settings = new Dictionary<string, string?> { ["Webhooks:Urls:0"] = url, ["Webhooks:AllowedHosts:0"] = "127.0.0.1" };
        await using var one = fixture.Api(registry, settings);
        await using var two = fixture.Api(registry, settings);
        using var clientOne = one.CreateClient();
        using var clientTwo = two.CreateClient();

        var scored = ScoringRun.Run(new ScoringOptions
        {
            Features = new FeatureRunOptions { DataDirectory = fixture.DataDirectory, AsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc) },
            RegistryPath = registry,
            Clock = new ShiftedClock(TimeSpan.FromDays(1)),
        }, NullLogger.Instance);
        var snapshot = Path.GetFileName(scored.SnapshotPath);
        // Each instance notices the snapshot on its own and is done with it only once it delivered or saw it delivered.
        foreach (var api in new[] { one, two })
        {
            var dispatcher = api.Services.GetRequiredService<WebhookDispatcher>();
            await Waits.UntilAsync(() => Task.FromResult(dispatcher.Handled(snapshot)), done => done, "both instances to handle the new snapshot's webhooks");
        }
        Assert.Equal(1, receiver.Hits("/hook/"));
        // Both instances show the one delivery.
        foreach (var client in new[] { clientOne.WithKey(), clientTwo.WithKey() })
        {
            var deliveries = (await (await client.GetAsync("/v1/webhooks")).Json())["recentDeliveries"]!.AsArray();
            Assert.Single(deliveries, d => (string?)d!["snapshot"] == snapshot && (bool)d["delivered"]!);
        }
    }

    [Fact]
    public async Task An_expired_delivery_lease_of_a_dead_instance_is_taken_over_and_the_webhook_called_once()
    {
        var registry = fixture.CopyRegistry();
        using var receiver = new WebhookReceiver(("127.0.0.1", "/elsewhere/"), ("127.0.0.1", "/here/"));
        var elsewhere = receiver.Url("127.0.0.1", "/elsewhere/");
        var here = receiver.Url("127.0.0.1", "/here/");
        await using var api = fixture.Api(registry, new Dictionary<string, string?>
        {
            ["Webhooks:Urls:0"] = elsewhere, ["Webhooks:Urls:1"] = here, ["Webhooks:AllowedHosts:0"] = "127.0.0.1",
        });
        using var client = api.CreateClient();
        var view = api.Services.GetRequiredService<SnapshotHost>().Current!;
        var snapshot = Path.GetFileName(view.Path);
        var deliveries = api.Services.GetRequiredService<WebhookDeliveries>();
        // Instances that died while delivering left their leases: one on another machine (expired), one on this machine (process gone).
        Assert.NotNull(FileLease.TryTake(deliveries.LeasePath(snapshot, elsewhere), s_otherMachine, TimeSpan.FromMinutes(-5), snapshot));
        Assert.NotNull(FileLease.TryTake(deliveries.LeasePath(snapshot, here), s_deadHere, TimeSpan.FromHours(1), snapshot));

        var dispatcher = api.Services.GetRequiredService<WebhookDispatcher>();
        dispatcher.Enqueue(view);
        await Waits.UntilAsync(() => Task.FromResult(dispatcher.Handled(snapshot)), done => done, "the snapshot's webhooks to be handled");
        var instance = api.Services.GetRequiredService<LeaseHolder>().Instance;
        foreach (var (url, path) in new[] { (elsewhere, "/elsewhere/"), (here, "/here/") })
        {
            var delivery = deliveries.Read(snapshot, url)!;
            Assert.True(delivery.Delivered, $"{path} not delivered");
            Assert.Equal(instance, delivery.Instance);
            Assert.Equal(1, receiver.Hits(path));
        }
    }

    [Fact]
    public async Task A_job_left_running_by_an_instance_that_is_gone_shows_as_interrupted_and_frees_the_next_one()
    {
        var registry = fixture.CopyRegistry();
        var roots = TempFolder.Create("api-data-roots");
        Directory.CreateDirectory(Path.Combine(roots, "empty"));
        await using var api = fixture.Api(registry, new Dictionary<string, string?> { ["Serving:DataRoots:0"] = roots });
        using var client = api.CreateClient().WithKey();
        var jobs = Path.Combine(registry, "jobs");
        const string Id = "20260101000000-0badf00d";
        var running = new RetrainJob(Id, JobStatus.Running, "training", 0.4, DateTime.UtcNow, null, "data", null, null, null, "other");
        Directory.CreateDirectory(jobs);
        await File.WriteAllTextAsync(Path.Combine(jobs, Id + ".json"), JsonSerializer.Serialize(running, ApiJson.Options));
        var lease = Path.Combine(jobs, "retrain.lease");

        // Held by a live instance on another machine: running, and a second job must wait.
        var held = FileLease.TryTake(lease, s_otherMachine, TimeSpan.FromHours(1), Id)!;
        Assert.Equal("running", (string?)(await (await client.GetAsync($"/v1/jobs/{Id}")).Json())["status"]);
        var busy = await (await client.PostJson("/v1/jobs/retrain", new { data = Path.Combine(roots, "empty") })).AssertProblem(409);
        Assert.Contains(Id, (string?)busy["detail"]);

        // The instance was on this machine and its process is gone (a kill, a crash): interrupted at once, not running forever.
        held.Release();
        Assert.NotNull(FileLease.TryTake(lease, s_deadHere, TimeSpan.FromHours(1), Id));
        var state = await (await client.GetAsync($"/v1/jobs/{Id}")).Json();
        Assert.Equal("interrupted", (string?)state["status"]);
        Assert.Contains("training", (string?)state["error"]);
        Assert.NotNull(state["finishedAt"]);

        // And the next job starts (its data folder is empty, so it fails fast, which is all this needs).
        var started = await client.PostJson("/v1/jobs/retrain", new { data = Path.Combine(roots, "empty") });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (string)(await started.Json())["id"]!;
        var ended = await Waits.UntilAsync(async () => await (await client.GetAsync($"/v1/jobs/{id}")).Json(),
            s => (string?)s["status"] != "running", "the job to end");
        Assert.Equal("failed", (string?)ended["status"]);
        Assert.Equal("interrupted", (string?)(await (await client.GetAsync($"/v1/jobs/{Id}")).Json())["status"]);
    }

    [Fact]
    public async Task A_job_running_when_the_server_is_killed_shows_as_interrupted_after_the_restart()
    {
        var registry = fixture.CopyRegistry();
        string id;
        using (var server = new ServerProcess(registry, fixture.DataDirectory))
        {
            await server.WaitUntilLiveAsync();
            var started = await server.Client.PostJson("/v1/jobs/retrain", new { fixedTrainer = true, force = true });
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, server.Output);
            id = (string)(await started.Json())["id"]!;
            // Killed in the middle of the job (training the sample takes seconds; the kill follows the answer at once).
            server.Kill();
        }
        Assert.Equal("running", (string?)JsonNode(await File.ReadAllTextAsync(Path.Combine(registry, "jobs", id + ".json")))["status"]);

        using var restarted = new ServerProcess(registry, fixture.DataDirectory);
        await restarted.WaitUntilLiveAsync();
        var state = await (await restarted.Client.GetAsync($"/v1/jobs/{id}")).Json();
        Assert.True((string?)state["status"] == "interrupted", state.ToJsonString());
        // The dead process's lease does not block the next job.
        Assert.Equal(HttpStatusCode.Accepted, (await restarted.Client.PostJson("/v1/jobs/retrain", new { fixedTrainer = true })).StatusCode);
    }

    private static System.Text.Json.Nodes.JsonNode JsonNode(string text) => System.Text.Json.Nodes.JsonNode.Parse(text)!;
}
