using System.Text;
using System.Text.RegularExpressions;

namespace JourneyML.Api.Tests;

/// <summary>
/// The README's API examples (its 'sh' blocks) run against the API on the sample's models, so the documented calls,
/// their parameters and their bodies cannot drift from the code.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed partial class ReadmeApiExamplesTests(ServingFixture fixture)
{
    private const string Base = "http://127.0.0.1:5080";

    [Fact]
    public async Task Every_api_example_in_the_readme_answers_with_success()
    {
        var readme = await File.ReadAllTextAsync(Repo.Path("README.md"));
        var lines = ShBlocks().Matches(readme).SelectMany(m => m.Groups[1].Value.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.Contains(lines, l => l.StartsWith("curl ", StringComparison.Ordinal));
        await using var api = fixture.Api(fixture.CopyRegistry());
        using var client = api.CreateClient();
        var output = TempFolder.Create("readme-api");
        var failures = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("dotnet run --project src/JourneyML.Api", StringComparison.Ordinal))
            {
                Assert.True(File.Exists(Repo.Path("src", "JourneyML.Api", "JourneyML.Api.csproj")));
                continue;
            }
            if (!line.StartsWith("curl ", StringComparison.Ordinal))
            {
                failures.Add($"'{line}': only curl calls and the server start are checked here");
                continue;
            }
            var request = Curl.Parse(line.Replace("$JOURNEYML_API_KEY", ServingFixture.ApiKey, StringComparison.Ordinal), Base);
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery);
            foreach (var (name, value) in request.Headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
            if (request.Data is not null)
            {
                message.Content = new StringContent(request.Data, Encoding.UTF8, "application/json");
            }
            var response = await client.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"'{line}' answered {(int)response.StatusCode}: {body}");
            }
            else if (request.OutputFile is { } file)
            {
                await File.WriteAllTextAsync(Path.Combine(output, Path.GetFileName(file)), body);
                Assert.True(body.Length > 0, $"'{line}' wrote an empty {file}");
            }
        }
        Assert.Empty(failures);
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlocks();
}

/// <summary>The parts of a curl command line the README uses: -X, -H, -d, -o, -s and the URL.</summary>
internal sealed record Curl(string Method, string PathAndQuery, IReadOnlyList<(string Name, string Value)> Headers, string? Data, string? OutputFile)
{
    public static Curl Parse(string line, string baseUrl)
    {
        var words = ShellWords.Split(line);
        string? method = null, url = null, data = null, output = null;
        var headers = new List<(string, string)>();
        for (int i = 1; i < words.Length; i++)
        {
            switch (words[i])
            {
                case "-s":
                    break;
                case "-X":
                    method = words[++i];
                    break;
                case "-H":
                    var header = words[++i];
                    int colon = header.IndexOf(':');
                    headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                case "-d":
                    data = words[++i];
                    break;
                case "-o":
                    output = words[++i];
                    break;
                case var w when w.StartsWith(baseUrl, StringComparison.Ordinal):
                    url = w;
                    break;
                default:
                    throw new InvalidOperationException($"'{line}': the README examples use only -s, -X, -H, -d, -o and {baseUrl} URLs, not '{words[i]}'");
            }
        }
        return new Curl(method ?? (data is null ? "GET" : "POST"), url?[baseUrl.Length..] ?? throw new InvalidOperationException($"'{line}': no URL"),
            headers, data, output);
    }
}
