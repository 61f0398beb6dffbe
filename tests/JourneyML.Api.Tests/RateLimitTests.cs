using System.Net;
using JourneyML.Api.Journeys;
using Microsoft.Extensions.DependencyInjection;

namespace JourneyML.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class RateLimitTests(ServingFixture fixture)
{
    // A window far longer than any test takes, so an allowance is never refilled halfway through one.
    private const string LongWindow = "86400";

    [Fact]
    public async Task Csv_exports_are_limited_per_client_with_a_429_problem_and_retry_after_while_json_pages_are_not()
    {
        await using var api = fixture.Api(settings: new Dictionary<string, string?>
        {
            ["RateLimits:ExportsPerWindow"] = "2", ["RateLimits:WindowSeconds"] = LongWindow,
        });
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/churn-risk?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/segments/1/members?layout=hubspot")).StatusCode);
        // The allowance is one for all CSV exports of a client.
        var refused = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/churn-risk") { Headers = { { "Accept", "text/csv" } } });
        var problem = await refused.AssertProblem(429);
        Assert.Contains("CSV exports", (string?)problem["detail"]);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromDays(1), $"Retry-After: {refused.Headers.RetryAfter}");

        // Paged JSON is not an export: it stays open.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/churn-risk?top=5")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/segments/1/members")).StatusCode);
        // A client with the API key has an allowance of its own; a made-up key does not buy one.
        using var keyed = api.CreateClient().WithKey();
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/v1/churn-risk?format=csv")).StatusCode);
        using var madeUp = api.CreateClient();
        madeUp.DefaultRequestHeaders.Add("X-Api-Key", "made-up-key-0123456789");
        await (await madeUp.GetAsync("/v1/churn-risk?format=csv")).AssertProblem(429);
    }

    [Fact]
    public async Task On_demand_journey_maps_wait_in_a_bounded_queue_and_are_limited_per_client()
    {
        await using var api = fixture.Api(settings: new Dictionary<string, string?>
        {
            ["RateLimits:MapBuildsAtOnce"] = "1", ["RateLimits:MapBuildsWaiting"] = "1", ["RateLimits:JourneyMapsPerWindow"] = "2",
            ["RateLimits:WindowSeconds"] = LongWindow,
        });
        using var client = api.CreateClient();
        var builds = api.Services.GetRequiredService<JourneyMapBuilds>();
        const string OnDemand = "/v1/journey-map?from=2026-01-01&to=2026-07-01";

        // A build in progress holds the one slot (the test holds it, so how long a build takes does not matter).
        var building = await builds.EnterAsync(CancellationToken.None);
        Assert.True(building.IsAcquired);
        var waiting = client.GetAsync(OnDemand);
        await Waits.UntilAsync(() => Task.FromResult(builds.Waiting), n => n == 1 || waiting.IsCompleted, "the first map to wait for the build slot");
        Assert.False(waiting.IsCompleted, "the map did not wait for the build slot");

        // The queue is full: turned away at once, with when to come back.
        var turnedAway = await client.GetAsync(OnDemand);
        await turnedAway.AssertProblem(503);
        Assert.True(turnedAway.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {turnedAway.Headers.RetryAfter}");

        building.Dispose();
        var built = await Waits.ForAsync(waiting, "the waiting map to be built");
        Assert.Equal(HttpStatusCode.OK, built.StatusCode);
        Assert.NotNull((await built.Json())["stages"]);

        // Two on-demand maps asked for: this client's allowance is used up, the third is 429 before it queues.
        var limited = await client.GetAsync("/v1/journey-map?account=A0001");
        await limited.AssertProblem(429);
        Assert.NotNull(limited.Headers.RetryAfter);
        // The last run's map is not built on demand, so it is not counted.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/journey-map")).StatusCode);
    }
}
