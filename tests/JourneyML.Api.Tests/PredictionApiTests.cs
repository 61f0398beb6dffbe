using System.Text.Json.Nodes;
using JourneyML.Core.Features;

namespace JourneyML.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class PredictionApiTests(ServingFixture fixture)
{
    /// <summary>A customer of the latest snapshot as a ready feature row (numeric features from the snapshot, plan given).</summary>
    private JsonObject FeatureRow(int row, string? status = null)
    {
        var s = fixture.Latest;
        var features = new JsonObject();
        foreach (var (name, values) in s.FeatureValues)
        {
            features[name] = float.IsNaN(values[row]) ? null : values[row];
        }
        features["plan"] = "pro";
        return new JsonObject { ["customerId"] = s.CustomerIds[row], ["status"] = status ?? s.Status[row].Name(), ["features"] = features };
    }

    private int FirstWithStatus(CustomerStatus status) => Enumerable.Range(0, fixture.Latest.Count).First(r => fixture.Latest.Status[r] == status);

    [Fact]
    public async Task A_feature_row_gets_segment_stage_calibrated_risk_factors_and_the_model_version()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var response = await client.PostJson("/v1/predictions", FeatureRow(FirstWithStatus(CustomerStatus.Customer)));
        var json = await response.Json();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(fixture.VersionA, (string?)json["modelVersion"]);
        var risk = (double)json["churnRisk"]!;
        Assert.InRange(risk, 0, 1);
        Assert.Null(json["leadScore"]);
        Assert.False(string.IsNullOrEmpty((string?)json["stage"]));
        Assert.NotNull(json["segment"]!["id"]);
        Assert.False(string.IsNullOrEmpty((string?)json["segment"]!["name"]));
        var factors = json["factors"]!.AsArray();
        Assert.NotEmpty(factors);
        Assert.All(factors, f => Assert.False(string.IsNullOrEmpty((string?)f!["text"])));
        // Role and region were not given: listed as missing, not silently invented.
        Assert.Contains("role", json["missingFeatures"]!.AsArray().Select(x => (string?)x));
    }

    [Fact]
    public async Task A_lead_gets_a_lead_score_not_a_churn_risk()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var json = await (await client.PostJson("/v1/predictions", FeatureRow(FirstWithStatus(CustomerStatus.Lead)))).Json();
        Assert.Null(json["churnRisk"]);
        Assert.InRange((double)json["leadScore"]!, 0, 1);
    }

    [Fact]
    public async Task A_profile_with_recent_events_is_predicted_from_features_built_like_the_nightly_run()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var asOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var events = new JsonArray();
        for (int d = 40; d <= 58; d++)
        {
            // Minutes of use on each login, and severities on tickets, as the sample's nightly export gives them.
            events.Add(new JsonObject { ["occurredAt"] = asOf.AddDays(-d), ["type"] = "login", ["channel"] = "app", ["value"] = 20 });
        }
        events.Add(new JsonObject { ["occurredAt"] = asOf.AddDays(-5), ["type"] = "ticket_opened", ["channel"] = "email", ["value"] = 2 });
        events.Add(new JsonObject { ["occurredAt"] = asOf.AddDays(-4), ["type"] = "ticket_escalated", ["value"] = 3 });
        var request = new JsonObject
        {
            ["profile"] = new JsonObject
            {
                ["customerId"] = "new-42", ["accountId"] = "acme", ["signedUpAt"] = asOf.AddDays(-500), ["plan"] = "pro",
                ["role"] = "user", ["region"] = "emea", ["customerSince"] = asOf.AddDays(-480),
            },
            ["events"] = events,
            ["asOf"] = asOf,
            ["historyFrom"] = asOf.AddDays(-120),
        };
        var response = await client.PostJson("/v1/predictions", request);
        var json = await response.Json();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("new-42", (string?)json["customerId"]);
        Assert.Equal("acme", (string?)json["accountId"]);
        Assert.Equal("customer", (string?)json["status"]);
        Assert.InRange((double)json["churnRisk"]!, 0, 1);
        Assert.Null(json["missingFeatures"]);
        // Logins (and with them the minutes of use) stopped a month ago: the factors say so in words.
        var texts = json["factors"]!.AsArray().Select(f => (string)f!["text"]!).ToList();
        Assert.True(texts.Any(t => t.Contains("login", StringComparison.OrdinalIgnoreCase) || t.Contains("minutes of use", StringComparison.Ordinal)
            || t.Contains("ticket", StringComparison.OrdinalIgnoreCase)), string.Join(" | ", texts));
    }

    [Fact]
    public async Task Invalid_predictions_name_the_field_and_the_reason()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var row = FeatureRow(0);
        row["features"]!["no_such_feature"] = 1;
        await (await client.PostJson("/v1/predictions", row)).AssertProblem(400, "features.no_such_feature");

        row = FeatureRow(0);
        row["features"]!["logins_30d"] = "many";
        await (await client.PostJson("/v1/predictions", row)).AssertProblem(400, "features.logins_30d");

        row = FeatureRow(0, status: "prospect");
        await (await client.PostJson("/v1/predictions", row)).AssertProblem(400, "status");

        await (await client.PostJson("/v1/predictions", new JsonObject { ["customerId"] = "x" })).AssertProblem(400, "features");

        var profile = new JsonObject
        {
            ["profile"] = new JsonObject { ["customerId"] = "p", ["signedUpAt"] = "2026-01-01T00:00:00Z", ["plan"] = "pro" },
            ["asOf"] = "2026-07-01T00:00:00Z",
            ["events"] = new JsonArray(
                new JsonObject { ["occurredAt"] = "2026-06-01T00:00:00Z", ["type"] = "login" },
                new JsonObject { ["occurredAt"] = "2026-06-02T00:00:00Z", ["type"] = "logn" }),
        };
        await (await client.PostJson("/v1/predictions", profile)).AssertProblem(400, "events[1].type");

        await (await client.PostRaw("/v1/predictions", "{ \"customerId\": ")).AssertProblem(400);
        await (await client.PostRaw("/v1/predictions", "{ \"customerId\": \"x\", \"features\": [1, 2] }")).AssertProblem(400, "features");
    }

    [Fact]
    public async Task A_batch_keeps_the_order_mixes_both_forms_and_names_a_bad_customer_by_position()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var profile = new JsonObject
        {
            ["profile"] = new JsonObject { ["customerId"] = "p-1", ["signedUpAt"] = "2026-01-01T00:00:00Z", ["plan"] = "starter" },
            ["events"] = new JsonArray(new JsonObject { ["occurredAt"] = "2026-06-20T00:00:00Z", ["type"] = "pricing_page_view" }),
            ["asOf"] = "2026-07-01T00:00:00Z",
        };
        var lead = FirstWithStatus(CustomerStatus.Lead);
        var customer = FirstWithStatus(CustomerStatus.Customer);
        var batch = new JsonObject { ["customers"] = new JsonArray(FeatureRow(customer), profile, FeatureRow(lead)) };
        var response = await client.PostJson("/v1/predictions/batch", batch);
        var json = await response.Json();
        Assert.Equal(200, (int)response.StatusCode);
        var predictions = json["predictions"]!.AsArray();
        Assert.Equal(3, predictions.Count);
        Assert.Equal(fixture.Latest.CustomerIds[customer], (string?)predictions[0]!["customerId"]);
        Assert.Equal("p-1", (string?)predictions[1]!["customerId"]);
        Assert.Equal("lead", (string?)predictions[1]!["status"]);
        Assert.Equal(fixture.Latest.CustomerIds[lead], (string?)predictions[2]!["customerId"]);
        Assert.Equal(fixture.VersionA, (string?)json["modelVersion"]);

        // The same customer alone gets the same answer as in the batch.
        var single = await (await client.PostJson("/v1/predictions", FeatureRow(customer))).Json();
        Assert.Equal((double)single["churnRisk"]!, (double)predictions[0]!["churnRisk"]!);

        var bad = FeatureRow(customer);
        bad["features"]!["tickets_30d"] = true;
        batch = new JsonObject { ["customers"] = new JsonArray(FeatureRow(lead), bad) };
        await (await client.PostJson("/v1/predictions/batch", batch)).AssertProblem(400, "customers[1].features.tickets_30d");
    }

    [Fact]
    public async Task A_batch_over_the_limit_gets_413_and_a_body_over_the_size_limit_too()
    {
        await using var api = fixture.Api(settings: new Dictionary<string, string?> { ["Serving:MaxBatch"] = "3", ["Serving:MaxRequestBytes"] = "200000" });
        using var client = api.CreateClient();
        var batch = new JsonObject { ["customers"] = new JsonArray([.. Enumerable.Range(0, 4).Select(r => (JsonNode)FeatureRow(r))]) };
        await (await client.PostJson("/v1/predictions/batch", batch)).AssertProblem(413);
        var huge = "{\"customers\": [" + string.Join(",", Enumerable.Repeat("{\"customerId\":\"" + new string('x', 150) + "\"}", 2000)) + "]}";
        await (await client.PostRaw("/v1/predictions/batch", huge)).AssertProblem(413);
    }

    [Fact]
    public async Task What_if_gives_the_risk_before_and_after_the_change()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var s = fixture.Latest;
        var logins = s.FeatureValues["logins_30d"];
        var previous = s.FeatureValues["logins_prev_30d"];
        int row = Enumerable.Range(0, s.Count).First(r => s.Status[r] == CustomerStatus.Customer && previous[r] >= 8 && logins[r] <= previous[r] / 3);
        var request = new JsonObject
        {
            ["customer"] = FeatureRow(row),
            ["changes"] = new JsonArray(new JsonObject { ["feature"] = "logins_30d", ["sameAs"] = "logins_prev_30d" }),
        };
        var response = await client.PostJson("/v1/what-if", request);
        var json = await response.Json();
        Assert.Equal(200, (int)response.StatusCode);
        double before = (double)json["before"]!["churnRisk"]!, after = (double)json["after"]!["churnRisk"]!;
        Assert.Equal(Math.Round(after - before, 4), (double)json["churnRiskChange"]!, 3);
        var change = json["changes"]![0]!;
        Assert.Equal("logins_30d", (string?)change["feature"]);
        Assert.Equal(previous[row], (double)change["to"]!, 3);
        Assert.Equal(fixture.VersionA, (string?)json["modelVersion"]);

        request["changes"] = new JsonArray(new JsonObject { ["feature"] = "nope", ["value"] = 3 });
        await (await client.PostJson("/v1/what-if", request)).AssertProblem(400, "changes[0].feature");
        request["changes"] = new JsonArray();
        await (await client.PostJson("/v1/what-if", request)).AssertProblem(400, "changes");
    }

    [Fact]
    public async Task Without_a_champion_predictions_answer_503_and_the_service_is_not_ready()
    {
        var empty = TempFolder.Create("empty");
        await using var api = fixture.Api(empty);
        using var client = api.CreateClient();
        var problem = await (await client.PostJson("/v1/predictions", FeatureRow(0))).AssertProblem(503);
        Assert.Contains("no champion", (string?)problem["detail"]);
        Assert.Equal(503, (int)(await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(200, (int)(await client.GetAsync("/health/live")).StatusCode);
        await (await client.GetAsync("/v1/churn-risk")).AssertProblem(503);
    }
}
