using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JourneyML.Api.Tests;

internal static class ApiTestExtensions
{
    public static async Task<JsonNode> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body) =>
        client.PostAsync(url, JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Asserts a problem+json answer with the status, and (when given) an error for the field.</summary>
    public static async Task<JsonNode> AssertProblem(this HttpResponseMessage response, int status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", body);          // no stack trace
        Assert.DoesNotContain("/tmp/", body);            // no internal path
        Assert.DoesNotContain(Path.GetTempPath(), body); // ...wherever the temporary folder is (the test registries are in it)
        var json = JsonNode.Parse(body)!;
        if (field is not null)
        {
            var errors = json["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"no error for '{field}' in {body}");
        }
        return json;
    }

    public static HttpClient WithKey(this HttpClient client)
    {
        client.DefaultRequestHeaders.Add("X-Api-Key", ServingFixture.ApiKey);
        return client;
    }
}
