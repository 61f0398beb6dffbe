using System.Net;
using JourneyML.Api.Serving;
using JourneyML.Core.Registry;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class HealthTests(ServingFixture fixture)
{
    private static WebApplicationFactory<Program> Factory(string registry) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Registry:Path", registry));

    [Fact]
    public async Task Without_a_champion_the_service_is_live_but_not_ready_and_becomes_ready_when_one_is_promoted()
    {
        var registry = fixture.CopyRegistry();
        File.Delete(Path.Combine(registry, ModelRegistry.ChampionFile));
        await using var api = fixture.Api(registry);
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var notReady = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("no champion", await notReady.Content.ReadAsStringAsync());

        new ModelRegistry(registry).Promote(fixture.VersionA, "first champion", DateTime.UtcNow);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains(fixture.VersionA, await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_empty_registry_path_stops_the_start_with_a_clear_message()
    {
        await using var factory = Factory("");
        // The start-up validation's own exception, naming the section's type and the field: not any failure whose text
        // (a stack trace included) happens to contain "Path".
        var ex = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Equal(typeof(RegistryOptions), ex.OptionsType);
        Assert.Contains("Path", ex.Message);
    }

    [Fact]
    public async Task The_openapi_document_is_served()
    {
        await using var factory = Factory(Path.GetTempPath());
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"openapi\"", await response.Content.ReadAsStringAsync());
    }
}
