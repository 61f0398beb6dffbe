using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using JourneyML.Tools.BadInput;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace JourneyML.Api.Tests;

/// <summary>Issue 19's API points: nothing of a request in the log, 4xx logged as 4xx, input holes, no echo, every bad input a 4xx.</summary>
[Collection(ServingCollection.Name)]
public sealed class HardeningTests(ServingFixture fixture)
{
    private const string Marker = "zq7marker";

    /// <summary>Every log event, rendered as the console gets it (message, properties, exception).</summary>
    private sealed class CollectingSink : ILogEventSink
    {
        private readonly RenderedCompactJsonFormatter _formatter = new();
        public ConcurrentQueue<(LogEvent Event, string Text)> Events { get; } = new();

        public void Emit(LogEvent logEvent)
        {
            using var writer = new StringWriter();
            _formatter.Format(logEvent, writer);
            Events.Enqueue((logEvent, writer.ToString()));
        }
    }

    /// <summary>The real server (Kestrel on loopback) logging everything, every level of every category, into a sink.</summary>
    private static (WebApplicationFactory<Program> Api, CollectingSink Sink) LoggingEverything(JourneyApi api)
    {
        var sink = new CollectingSink();
        var factory = api.WithWebHostBuilder(b =>
        {
            b.UseSetting("Serilog:MinimumLevel:Default", "Verbose");
            b.UseSetting("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Verbose");
            b.UseSetting("Serilog:MinimumLevel:Override:Microsoft", "Verbose");
            b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(sink));
        });
        factory.StartOnLoopback();
        return (factory, sink);
    }

    [Fact]
    public async Task A_marker_in_path_query_and_body_reaches_no_log_line_at_any_level()
    {
        await using var api = fixture.Api();
        var (server, sink) = LoggingEverything(api);
        await using var _ = server;
        using var client = server.CreateClient();
        var responses = new List<HttpResponseMessage>
        {
            await client.GetAsync($"/v1/customers/{Marker}-C000001"),
            await client.GetAsync($"/v1/accounts/{Marker}"),
            await client.GetAsync($"/v1/journey-map?account={Marker}"),
            await client.GetAsync($"/v1/churn-risk?top={Marker}"),
            await client.GetAsync($"/v1/churn-risk?top=-1&stage={Marker}&account={Marker}"),
            await client.GetAsync($"/v1/churn-risk?cursor={Marker}"),
            await client.GetAsync($"/v1/alerts?since={Marker}"),
            await client.GetAsync($"/v1/models/{Marker}"),
            await client.GetAsync($"/{Marker}/nowhere"),
            await client.PostJson("/v1/predictions", new { customerId = Marker, status = Marker, features = new Dictionary<string, object> { [Marker] = 1 } }),
            await client.PostRaw("/v1/predictions", $"{{ \"customerId\": \"{Marker}\", \"features\": {{ \"logins_30d\": \"{Marker}\" }} }}"),
            await client.PostRaw("/v1/predictions", $"{{ \"{Marker}\": 1 }}"),
            await client.PostRaw("/v1/what-if", $"{{ \"customer\": {{ \"customerId\": \"c\", \"features\": {{}} }}, \"changes\": [ {{ \"feature\": \"{Marker}\", \"value\": 1 }} ] }}"),
        };
        Assert.All(responses, r => Assert.InRange((int)r.StatusCode, 400, 499));
        // The request lines are there (so the log was written), with the route template.
        await Waits.UntilAsync(() => Task.FromResult(sink.Events.Count(e => e.Text.Contains("responded", StringComparison.Ordinal))), n => n >= responses.Count,
            "a request line per request");
        var texts = sink.Events.Select(e => e.Text).ToList();
        Assert.Contains(texts, t => t.Contains("/v1/customers/{id}", StringComparison.Ordinal));
        // Every level was on: the framework's debug lines are there too.
        Assert.Contains(sink.Events, e => e.Event.Level <= LogEventLevel.Debug);
        var leaks = texts.Where(t => t.Contains(Marker, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaks.Count == 0, "the marker reached the log:\n" + string.Join("\n", leaks));
        Assert.DoesNotContain(texts, t => t.Contains("\"RequestPath\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_error_is_logged_as_its_4xx_at_information_without_a_stack_trace()
    {
        await using var api = fixture.Api();
        var (server, sink) = LoggingEverything(api);
        await using var _ = server;
        using var client = server.CreateClient();
        await (await client.GetAsync("/v1/churn-risk?top=-1")).AssertProblem(400, "top");
        await (await client.GetAsync("/v1/churn-risk?top=abc")).AssertProblem(400, "top");
        await (await client.PostRaw("/v1/predictions", "{ \"customerId\": ")).AssertProblem(400);
        await Waits.UntilAsync(() => Task.FromResult(sink.Events.Count(e => e.Text.Contains("responded 400", StringComparison.Ordinal))), n => n >= 3,
            "three request lines with 400");
        var lines = sink.Events.Where(e => e.Text.Contains("responded 400", StringComparison.Ordinal)).ToList();
        Assert.All(lines, l => Assert.Equal(LogEventLevel.Information, l.Event.Level));
        Assert.All(lines, l => Assert.Null(l.Event.Exception));
        Assert.Contains(lines, l => l.Text.Contains("GET /v1/churn-risk responded 400", StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Events, e => e.Event.Level >= LogEventLevel.Error);
        Assert.DoesNotContain(sink.Events, e => e.Text.Contains("responded 500", StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Events, e => e.Text.Contains("   at ", StringComparison.Ordinal));
    }

    private static JsonObject Profile(string asOf = "2026-07-01T00:00:00Z", JsonArray? events = null, string? historyFrom = null)
    {
        var request = new JsonObject
        {
            ["profile"] = new JsonObject { ["customerId"] = "p", ["signedUpAt"] = "2026-01-01T00:00:00Z", ["plan"] = "pro" },
            ["asOf"] = asOf,
            ["events"] = events ?? new JsonArray(new JsonObject { ["occurredAt"] = "2026-06-01T00:00:00Z", ["type"] = "login" }),
        };
        if (historyFrom is not null)
        {
            request["historyFrom"] = historyFrom;
        }
        return request;
    }

    [Fact]
    public async Task Input_holes_get_a_400_naming_the_field()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        await (await client.PostJson("/v1/predictions", Profile(asOf: "9999-12-31T00:00:00Z"))).AssertProblem(400, "asOf");
        await (await client.PostJson("/v1/predictions", Profile(historyFrom: "2026-08-01T00:00:00Z"))).AssertProblem(400, "historyFrom");
        await (await client.PostJson("/v1/predictions", Profile(events: new JsonArray(new JsonObject { ["type"] = "login" })))).AssertProblem(400, "events[0].occurredAt");
        await (await client.PostJson("/v1/predictions", Profile(events: new JsonArray(
            new JsonObject { ["occurredAt"] = "2026-06-01T00:00:00Z", ["type"] = "login", ["value"] = 1e300 })))).AssertProblem(400, "events[0].value");
        await (await client.PostRaw("/v1/predictions", """{ "customerId": "c", "features": { "logins_30d": 1e300 } }""")).AssertProblem(400, "features.logins_30d");
        await (await client.PostRaw("/v1/predictions", """{ "customerId": "c", "features": { "logins_30d": -5 } }""")).AssertProblem(400, "features.logins_30d");
        await (await client.PostRaw("/v1/what-if", """{ "customer": { "customerId": "c", "features": { "logins_30d": 3 } }, "changes": [ { "feature": "logins_30d", "value": 1e300 } ] }"""))
            .AssertProblem(400, "changes[0].value");
        await (await client.PostRaw("/v1/predictions", """{ "customerId": "c", "features": {}, "priority": "high" }""")).AssertProblem(400, "priority");
        // A trend (a log ratio) may be negative: not every feature is a count.
        Assert.Equal(HttpStatusCode.OK, (await client.PostRaw("/v1/predictions", """{ "customerId": "c", "features": { "login_trend": -1.5 } }""")).StatusCode);
    }

    [Fact]
    public async Task Errors_quote_neither_the_input_nor_the_framework()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var answers = new[]
        {
            await (await client.GetAsync("/v1/journey-map?account=..%2F..%2F..%2Fetc%2Fpasswd")).AssertProblem(404),
            await (await client.PostRaw("/v1/predictions", "")).AssertProblem(400, "body"),
            await (await client.GetAsync($"/v1/churn-risk?top={Marker}")).AssertProblem(400, "top"),
            await (await client.PostJson("/v1/predictions", new { customerId = "c", status = Marker, features = new { } })).AssertProblem(400, "status"),
            await (await client.PostRaw("/v1/what-if", $"{{ \"customer\": {{ \"customerId\": \"c\", \"features\": {{}} }}, \"changes\": [ {{ \"feature\": \"{Marker}\", \"value\": 1 }} ] }}"))
                .AssertProblem(400, "changes[0].feature"),
            await (await client.PostJson("/v1/predictions", Profile(events: new JsonArray(new JsonObject { ["occurredAt"] = "2026-06-01T00:00:00Z", ["type"] = Marker }))))
                .AssertProblem(400, "events[0].type"),
        };
        foreach (var text in answers.Select(a => a.ToJsonString()))
        {
            Assert.DoesNotContain("etc/passwd", text);
            Assert.DoesNotContain(Marker, text);
            Assert.DoesNotContain("Implicit body", text);
            Assert.DoesNotContain("Failed to bind", text);
            Assert.DoesNotContain("parameter \\u0022", text);
        }
        Assert.Equal("expected a whole number", (string?)answers[2]["errors"]!["top"]![0]);
    }

    [Fact]
    public async Task Oversized_urls_and_headers_get_problem_json_up_to_kestrels_own_limits()
    {
        await using var api = fixture.Api();
        api.StartOnLoopback();
        using var client = api.CreateClient();
        await (await client.GetAsync("/v1/churn-risk?stage=" + new string('a', 10_000))).AssertProblem(414);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/churn-risk");
        request.Headers.Add("X-Note", new string('h', 40_000));
        await (await client.SendAsync(request)).AssertProblem(431);
    }

    [Fact]
    public async Task Every_kind_of_bad_input_is_answered_4xx_by_the_real_server()
    {
        await using var api = fixture.Api();
        api.StartOnLoopback();
        using var client = api.CreateClient();
        var results = await BadInputProbe.RunAsync(client.BaseAddress!, ServingFixture.ApiKey, CancellationToken.None);
        var summary = BadInputProbe.Summary(results);
        Assert.True(results.Count >= 150, summary);
        Assert.True(results.All(r => r.ClientError), summary);
        // Everything that reaches the service answers problem+json; only what Kestrel refuses while parsing may not.
        var bare = results.Where(r => !r.Case.ServerAnswersBare && !r.ProblemJson).Select(r => $"{r.Status} {r.Case.Kind}").ToList();
        Assert.True(bare.Count == 0, "no problem+json body:\n" + string.Join("\n", bare));
        // The service is still serving, and nothing was changed.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var models = await (await client.GetAsync("/v1/models")).Json();
        Assert.Equal(fixture.VersionA, (string?)models["champion"]);
    }
}
