using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace JourneyML.Workspace.Tests;

/// <summary>
/// Ready only once warm: a fresh server listens while it sends requests through its own pipeline (every workspace page
/// in both languages, the API's reads and predictions), and /health/ready says Healthy only after that finished.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ReadinessTests(WorkspaceFixture fixture)
{
    private const string Warmed = "Warmed the request pipeline";

    [Fact]
    public async Task Ready_says_healthy_only_after_the_pages_and_the_pipeline_are_warm()
    {
        int port = FreePort();
        var log = new List<string>();
        // Until the JIT is quiet or 10 s: the server listens for a while before it is warm.
        var starting = Task.Run(() => fixture.Start(new Dictionary<string, string?> { ["Serving:WarmUpSeconds"] = "10" }, port));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow.AddMinutes(5);
        string? healthy = null;
        var seen = new List<string>();
        while (healthy is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the server never said it was ready; it answered: " + string.Join(" | ", seen.Distinct()));
            if (starting.IsFaulted)
            {
                await starting; // the start's own error
            }
            try
            {
                using var response = await client.GetAsync("/health/ready");
                var body = await response.Content.ReadAsStringAsync();
                seen.Add($"{(int)response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.OK && Status(body) == "Healthy")
                {
                    healthy = body;
                    // The moment it says Healthy, the warm-up has finished and said so.
                    var server = await starting.WaitAsync(TimeSpan.FromMinutes(2));
                    Assert.Contains(server.Log.Lines, l => l.Contains(Warmed, StringComparison.Ordinal));
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        var started = await starting;
        var line = started.Log.Lines.First(l => l.Contains(Warmed, StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("Failed").GetInt32() == 0, line);
        Assert.True(root.GetProperty("Pages").GetInt32() >= 2 * 9, line); // every page, in both languages
        Assert.Contains("workspace pages", healthy, StringComparison.Ordinal);
    }

    [Fact]
    public void Warm_up_requests_leave_no_customer_value_in_the_log()
    {
        // The warm-up's requests go through request logging like any other: route templates only, never a customer id.
        var ids = fixture.Open.Log.Lines.Where(l => l.Contains("responded", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ids);
        Assert.DoesNotContain(ids, l => l.Contains("/customers/C", StringComparison.Ordinal) || l.Contains("顧客", StringComparison.Ordinal));
    }

    private static string? Status(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("status").GetString();
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
