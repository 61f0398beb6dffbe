using System.Net;

namespace JourneyML.Api.Tests;

/// <summary>The intervention effects endpoint on a champion trained without an interventions table.</summary>
[Collection(ServingCollection.Name)]
public sealed class InterventionApiTests(ServingFixture fixture)
{
    [Fact]
    public async Task Without_an_interventions_table_the_effects_answer_404_saying_what_is_missing()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var response = await client.GetAsync("/v1/interventions/effects");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Json();
        Assert.Equal("No intervention effects", (string)problem["title"]!);
        Assert.Contains("without an interventions table", (string)problem["detail"]!);
    }

    [Theory]
    [InlineData("/v1/churn-risk?rankBy=value", "must be one of risk, uplift")]
    [InlineData("/v1/churn-risk?rankBy=uplift&within=30", "cannot be combined with within")]
    [InlineData("/v1/churn-risk?rankBy=uplift", "no intervention effects")]
    public async Task A_bad_or_unanswerable_rankBy_is_a_400_naming_the_field(string url, string reason)
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("rankBy", body);
        Assert.Contains(reason, body);
    }

    [Fact]
    public async Task Ranking_by_risk_explicitly_is_the_default_list()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var plain = await (await client.GetAsync("/v1/churn-risk?top=20")).Json();
        var byRisk = await (await client.GetAsync("/v1/churn-risk?top=20&rankBy=risk")).Json();
        Assert.Equal(plain["customers"]!.ToJsonString(), byRisk["customers"]!.ToJsonString());
        Assert.Null(plain["customers"]![0]!["uplift"]);
    }
}
