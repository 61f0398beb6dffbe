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
}
