using System.ComponentModel;
using System.Text.Json.Nodes;

namespace JourneyML.Api.Tests;

/// <summary>The OpenAPI document: linted by an OpenAPI linter, with the key scheme, problem answers, health and CSV; the reference page from it.</summary>
[Collection(ServingCollection.Name)]
public sealed class OpenApiTests(ServingFixture fixture)
{
    /// <summary>The linter's folder: package.json and package-lock.json pin @redocly/cli (which runs on Debian 12's Node.js 18 and later).</summary>
    private static string LintFolder => Path.Combine(Repo.Root, "tests", "openapi-lint");

    [Fact]
    public async Task The_openapi_document_passes_the_linter()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var folder = TempFolder.Create("openapi");
        var document = Path.Combine(folder, "v1.json");
        await File.WriteAllTextAsync(document, await client.GetStringAsync("/openapi/v1.json"));
        var lint = Lint(document);
        Assert.True(lint.ExitCode == 0, $"the OpenAPI document has errors:\n{lint.Output}\n{lint.Error}");
        // The linter does fail on errors: a dangling reference is one.
        var broken = Path.Combine(folder, "broken.json");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(document)).Replace("#/components/schemas/Problem\"", "#/components/schemas/Nowhere\"", StringComparison.Ordinal));
        Assert.NotEqual(0, Lint(broken).ExitCode);
    }

    [Fact]
    public async Task The_document_declares_the_key_the_problems_health_and_csv_and_ignores_the_host_header()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";
        var text = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example", text);
        var doc = JsonNode.Parse(text)!;
        Assert.Equal("/", (string?)doc["servers"]![0]!["url"]);
        Assert.Equal("X-Api-Key", (string?)doc["components"]!["securitySchemes"]!["ApiKey"]!["name"]);
        var paths = doc["paths"]!;
        // A state-changing call always needs the key; a read needs it only when reads are protected (no key, or the key).
        Assert.Single(paths["/v1/models/{version}/promote"]!["post"]!["security"]!.AsArray());
        Assert.Equal(2, paths["/v1/churn-risk"]!["get"]!["security"]!.AsArray().Count);
        var churn = paths["/v1/churn-risk"]!["get"]!["responses"]!;
        Assert.NotNull(churn["200"]!["content"]!["text/csv"]);
        Assert.Equal("#/components/schemas/Problem", (string?)churn["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
        Assert.NotNull(paths["/v1/segments/{id}/members"]!["get"]!["responses"]!["200"]!["content"]!["text/csv"]);
        Assert.NotNull(paths["/health/ready"]!["get"]!["responses"]!["503"]);
        Assert.NotNull(paths["/health/live"]);
        // The stored answers have their schemas: a model version's metadata, the journey map.
        Assert.Contains("churn", paths["/v1/models/{version}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!.ToJsonString(),
            StringComparison.OrdinalIgnoreCase);
        Assert.Contains("transitions", paths["/v1/journey-map"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!.ToJsonString(),
            StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_reference_page_shows_parameters_and_answers()
    {
        await using var api = fixture.Api();
        using var client = api.CreateClient();
        var page = await client.GetStringAsync("/reference");
        Assert.Contains("<code>minRisk</code>", page);
        Assert.Contains("<code>cursor</code>", page);
        Assert.Contains("application/problem+json", page);
        Assert.Contains("text/csv", page);
        Assert.Contains("/health/ready", page);
        Assert.Contains("needs X-Api-Key", page);
        Assert.DoesNotContain("<script src", page);
    }

    /// <summary>Runs the linter on a file; installs it first (npm ci) when this checkout has not yet.</summary>
    private static ProcessResult Lint(string file)
    {
        var cli = Path.Combine(LintFolder, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli))
        {
            var install = Run("npm", ["ci", "--no-audit", "--no-fund"], LintFolder);
            Assert.True(install.ExitCode == 0, $"npm ci in tests/openapi-lint failed:\n{install.Output}\n{install.Error}");
        }
        return Run("node", [cli, "lint", file, "--config", Path.Combine(LintFolder, "redocly.yaml"), "--format", "stylish"], LintFolder);
    }

    private static ProcessResult Run(string program, string[] args, string directory)
    {
        try
        {
            return Processes.Run(program, args, directory).Finished(program);
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException($"'{program}' is not installed: the OpenAPI lint test needs Node.js 18.17 or later with npm " +
                "(Debian: sudo apt-get install nodejs npm; .ci/run installs them), and reaches the npm registry once to install tests/openapi-lint.");
        }
    }
}
