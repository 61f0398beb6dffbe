using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using JourneyML.Api.Alerts;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class ModelAndJobApiTests(ServingFixture fixture)
{
    [Fact]
    public async Task Models_are_listed_with_the_champion_and_the_serving_version_and_read_one_by_one()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var json = await (await client.GetAsync("/v1/models")).Json();
        Assert.Equal(fixture.VersionA, (string?)json["champion"]);
        Assert.Equal(fixture.VersionA, (string?)json["serving"]);
        Assert.Equal(2, json["versions"]!.AsArray().Count);
        var one = await (await client.GetAsync($"/v1/models/{fixture.VersionB}")).Json();
        Assert.Equal(fixture.VersionB, (string?)one["version"]);
        Assert.NotNull(one["churn"]!["holdout"]);
        await (await client.GetAsync("/v1/models/..%2F..%2Fetc")).AssertProblem(400, "version");
        await (await client.GetAsync("/v1/models/20200101-000000-deadbeef")).AssertProblem(404);
    }

    [Fact]
    public async Task State_changing_calls_need_the_key_and_are_off_without_one()
    {
        await using (var api = fixture.Api(fixture.CopyRegistry()))
        {
            using var client = api.CreateClient();
            await (await client.PostAsync($"/v1/models/{fixture.VersionB}/promote", null)).AssertProblem(401);
            client.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-0123456789");
            await (await client.PostAsync("/v1/models/rollback", null)).AssertProblem(401);
            await (await client.PostAsync("/v1/jobs/retrain", null)).AssertProblem(401);
            // Reads stay open by default.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode);
        }
        await using (var api = fixture.Api(fixture.CopyRegistry(), new Dictionary<string, string?> { ["Security:ApiKey"] = "" }))
        {
            using var client = api.CreateClient().WithKey();
            var problem = await (await client.PostAsync($"/v1/models/{fixture.VersionB}/promote", null)).AssertProblem(403);
            Assert.Contains("no API key is configured", (string?)problem["detail"]);
        }
        await using (var api = fixture.Api(fixture.CopyRegistry(), new Dictionary<string, string?> { ["Security:ProtectReads"] = "true" }))
        {
            using var client = api.CreateClient();
            await (await client.GetAsync("/v1/churn-risk")).AssertProblem(401);
            Assert.Equal(HttpStatusCode.OK, (await client.WithKey().GetAsync("/v1/churn-risk?top=1")).StatusCode);
        }
    }

    [Fact]
    public async Task Promotion_and_rollback_through_the_api_switch_the_serving_model_within_the_call()
    {
        var registry = fixture.CopyRegistry();
        await using var api = fixture.Api(registry);
        using var client = api.CreateClient().WithKey();
        var promoted = await (await client.PostJson($"/v1/models/{fixture.VersionB}/promote", new { reason = "test" })).Json();
        Assert.Equal(fixture.VersionB, (string?)promoted["serving"]);
        var prediction = await (await client.PostJson("/v1/predictions", new { customerId = "c", features = new { logins_30d = 3 } })).Json();
        Assert.Equal(fixture.VersionB, (string?)prediction["modelVersion"]);
        var rolledBack = await (await client.PostAsync("/v1/models/rollback", null)).Json();
        Assert.Equal(fixture.VersionA, (string?)rolledBack["serving"]);
        Assert.Equal(fixture.VersionA, (string?)new ModelRegistry(registry).Champion()!.Version);
    }

    [Fact]
    public async Task A_champion_that_fails_to_load_is_refused_and_the_previous_one_keeps_serving()
    {
        var registry = fixture.CopyRegistry();
        await using var api = fixture.Api(registry);
        using var client = api.CreateClient().WithKey();
        // Damage version B's churn model, then promote it behind the service's back (as a CLI on another machine would).
        await File.WriteAllTextAsync(Path.Combine(registry, fixture.VersionB, "churn.zip"), "not a model");
        var problem = await (await client.PostAsync($"/v1/models/{fixture.VersionB}/promote", null)).AssertProblem(422);
        Assert.Equal(fixture.VersionA, new ModelRegistry(registry).Champion()!.Version);

        new ModelRegistry(registry).Promote(fixture.VersionB, "promoted by hand", DateTime.UtcNow);
        // The service's own reload notices the new champion, fails to load it and refuses it: wait for that to be seen.
        await Waits.UntilAsync(async () => await (await client.GetAsync("/v1/models")).Json(),
            m => (string?)m["refused"] == fixture.VersionB, "the reload to refuse the damaged champion");
        var prediction = await (await client.PostJson("/v1/predictions", new { customerId = "c", features = new { logins_30d = 3 } })).Json();
        Assert.Equal(fixture.VersionA, (string?)prediction["modelVersion"]);
        var models = await (await client.GetAsync("/v1/models")).Json();
        Assert.Equal(fixture.VersionB, (string?)models["refused"]);
        Assert.Equal(fixture.VersionA, (string?)models["serving"]);
        var ready = await client.GetAsync("/health/ready");
        Assert.Contains("failed to load", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_promotion_while_requests_are_in_flight_fails_none_and_mixes_no_versions()
    {
        var registry = fixture.CopyRegistry();
        await using var api = fixture.Api(registry);
        using var client = api.CreateClient();
        var s = fixture.Latest;
        var features = s.FeatureValues.ToDictionary(f => f.Key, f => (object?)(float.IsNaN(f.Value[0]) ? null : f.Value[0]));
        var body = new { customerId = s.CustomerIds[0], status = "customer", features };
        var seen = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        // Each version must really answer a good number of requests, however slow the machine: the promotion waits
        // until the old one has, and the test stops only once the new one has too (or at the first failure).
        const int Enough = 30;
        var answers = new ConcurrentDictionary<string, int>();
        var oldAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var newAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await client.PostJson("/v1/predictions", body);
                var json = await response.Json();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {json}");
                    failed.TrySetResult();
                    continue;
                }
                // One version per answer: the version named is the one whose numbers these are.
                var version = (string)json["modelVersion"]!;
                seen.Add(version);
                if (answers.AddOrUpdate(version, 1, (_, n) => n + 1) >= Enough)
                {
                    (version == fixture.VersionA ? oldAnswered : version == fixture.VersionB ? newAnswered : failed).TrySetResult();
                }
            }
        })).ToList();
        await Waits.ForAsync(Task.WhenAny(oldAnswered.Task, failed.Task), $"version A to answer {Enough} requests", [.. workers]);
        // Promote on disk, as the CLI or a retraining job would; the service picks it up on its own.
        new ModelRegistry(registry).Promote(fixture.VersionB, "hot switch test", DateTime.UtcNow);
        await Waits.ForAsync(Task.WhenAny(newAnswered.Task, failed.Task), $"version B to answer {Enough} requests after the promotion", [.. workers]);
        stop.Cancel();
        await Task.WhenAll(workers);
        Assert.Empty(failures);
        Assert.Contains(fixture.VersionA, seen);
        Assert.Contains(fixture.VersionB, seen);
        Assert.Equal(new[] { fixture.VersionA, fixture.VersionB }.Order(), seen.Distinct().Order());
    }

    [Fact]
    public async Task A_retraining_job_runs_in_the_background_one_at_a_time_and_its_result_is_served()
    {
        var registry = fixture.CopyRegistry();
        var api = fixture.Api(registry);
        using var client = api.CreateClient().WithKey();
        await (await client.PostJson("/v1/jobs/retrain", new { data = "../../../etc" })).AssertProblem(400, "data");
        await (await client.PostJson("/v1/jobs/retrain", new { data = "/etc" })).AssertProblem(400, "data");
        await (await client.PostJson("/v1/jobs/retrain", new { horizonDays = 0 })).AssertProblem(400, "horizonDays");

        var started = await client.PostJson("/v1/jobs/retrain", new { fixedTrainer = true, force = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Json();
        var id = (string)job["id"]!;
        Assert.Equal($"/v1/jobs/{id}", started.Headers.Location?.OriginalString);
        await (await client.PostJson("/v1/jobs/retrain", new { fixedTrainer = true })).AssertProblem(409);

        var state = await Waits.UntilAsync(async () => await (await client.GetAsync($"/v1/jobs/{id}")).Json(),
            s => (string?)s["status"] != "running", "the retraining job to end");
        Assert.True((string?)state["status"] == "succeeded", state.ToJsonString());
        var version = (string)state["result"]!["version"]!;
        Assert.True((bool)state["result"]!["promoted"]!);
        Assert.Equal(version, (string?)state["result"]!["champion"]);
        Assert.Equal(2000, (int)state["result"]!["customersScored"]!);
        var list = await (await client.GetAsync("/v1/churn-risk?top=1")).Json();
        Assert.Equal(version, (string?)list["modelVersion"]);
        Assert.True(File.Exists(Path.Combine(registry, "journeys", "all", "journey-map.html")));
        await (await client.GetAsync("/v1/jobs/nope")).AssertProblem(404);

        // A restart keeps the job's state: it lives in the registry, not in the process.
        await api.DisposeAsync();
        await using var restarted = fixture.Api(registry);
        using var again = restarted.CreateClient().WithKey();
        var kept = await (await again.GetAsync($"/v1/jobs/{id}")).Json();
        Assert.Equal("succeeded", (string?)kept["status"]);
        Assert.Equal(version, (string?)kept["result"]!["version"]);
    }

    [Fact]
    public async Task After_a_scoring_run_the_webhooks_get_the_new_alerts_signed_and_retried()
    {
        var registry = fixture.CopyRegistry();
        using var listener = new HttpListener();
        int port = FreePort();
        var url = $"http://127.0.0.1:{port}/hook/";
        listener.Prefixes.Add(url);
        listener.Start();
        var received = new TaskCompletionSource<(string Body, string? Signature, int Attempt)>();
        int attempts = 0;
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                var context = await listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                // The first call fails: the dispatcher must retry.
                context.Response.StatusCode = ++attempts == 1 ? 503 : 204;
                context.Response.Close();
                if (attempts > 1)
                {
                    received.TrySetResult((body, context.Request.Headers[WebhookDispatcher.SignatureHeader], attempts));
                }
            }
        });
        const string secret = "webhook-secret";
        await using var api = fixture.Api(registry, new Dictionary<string, string?>
        {
            ["Webhooks:Secret"] = secret, ["Webhooks:RetryDelaySeconds"] = "0.1", ["Serving:ChurnRiskThreshold"] = "0.3",
            // The test's receiver is on loopback, which webhooks refuse unless the host is allowed.
            ["Webhooks:AllowedHosts:0"] = "127.0.0.1",
        });
        using var client = api.CreateClient().WithKey();
        await (await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/webhooks") { Content = System.Net.Http.Json.JsonContent.Create(new { urls = new[] { "file:///etc/passwd" } }) }))
            .AssertProblem(400, "urls[0]");
        var put = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/webhooks") { Content = System.Net.Http.Json.JsonContent.Create(new { urls = new[] { url } }) });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // A scoring run writes a new snapshot (as of a later date); the service notices it and calls the webhook.
        ScoringRun.Run(new ScoringOptions
        {
            Features = new FeatureRunOptions { DataDirectory = fixture.DataDirectory, AsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc) },
            RegistryPath = registry,
            Clock = new ShiftedClock(TimeSpan.FromDays(1)),
        }, NullLogger.Instance);
        var (payload, signature, attempt) = await Waits.ForAsync(received.Task, "the webhook to be called with the new alerts");
        Assert.True(received.Task.IsCompletedSuccessfully, "the webhook was not called");
        Assert.Equal(2, attempt);
        Assert.Equal(WebhookDispatcher.Sign(secret, System.Text.Encoding.UTF8.GetBytes(payload)), signature);
        var json = JsonNode.Parse(payload)!;
        Assert.Equal("alerts", (string?)json["event"]);
        Assert.Equal((int)json["count"]!, json["alerts"]!.AsArray().Count);
        listener.Stop();
    }

    [Fact]
    public async Task The_real_server_answers_over_http_on_loopback()
    {
        await using var api = fixture.Api();
        api.StartOnLoopback();
        using var client = api.CreateClient();
        Assert.Equal("127.0.0.1", client.BaseAddress!.Host is "localhost" ? "127.0.0.1" : client.BaseAddress.Host);
        Assert.NotEqual(80, client.BaseAddress.Port);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var prediction = await client.PostJson("/v1/predictions", new { customerId = "c", features = new { logins_30d = 3 } });
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        var openapi = await client.GetStringAsync("/openapi/v1.json");
        foreach (var route in new[] { "/v1/predictions", "/v1/predictions/batch", "/v1/what-if", "/v1/churn-risk", "/v1/customers/{id}", "/v1/accounts/{id}",
            "/v1/segments", "/v1/segments/{id}/members", "/v1/journey-map", "/v1/alerts", "/v1/models", "/v1/models/{version}/promote", "/v1/jobs/retrain" })
        {
            Assert.Contains($"\"{route}\"", openapi);
        }
        var reference = await client.GetStringAsync("/reference");
        Assert.Contains("/v1/churn-risk", reference);
        Assert.DoesNotContain("<script src", reference);
    }

    internal static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
