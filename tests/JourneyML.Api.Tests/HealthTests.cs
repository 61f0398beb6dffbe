using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace JourneyML.Api.Tests;

public sealed class HealthTests
{
    private static WebApplicationFactory<Program> Factory(string registry) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Registry:Path", registry));

    [Fact]
    public async Task Without_a_champion_the_service_is_live_but_not_ready()
    {
        var registry = Directory.CreateTempSubdirectory("journeyml-registry").FullName;
        await using var factory = Factory(registry);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);

        await File.WriteAllTextAsync(Path.Combine(registry, "champion.json"), """{ "version": "v1" }""");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task An_empty_registry_path_stops_the_start_with_a_clear_message()
    {
        await using var factory = Factory("");
        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Path", ex.ToString());
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
