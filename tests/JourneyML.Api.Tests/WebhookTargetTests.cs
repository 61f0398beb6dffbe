using System.Net;
using System.Net.Http.Json;
using JourneyML.Api.Alerts;
using JourneyML.Api.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace JourneyML.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class WebhookTargetTests(ServingFixture fixture)
{
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("10.0.0.5")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:7f00:1::")]
    public void Internal_addresses_are_recognised_in_every_form(string address) =>
        Assert.NotNull(WebhookTargets.Internal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("93.184.216.34")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_not_internal(string address) =>
        Assert.Null(WebhookTargets.Internal(IPAddress.Parse(address)));

    [Fact]
    public async Task Webhooks_to_internal_hosts_are_refused_with_the_field_named_unless_the_host_is_allowed()
    {
        await using var api = fixture.Api(fixture.CopyRegistry());
        using var client = api.CreateClient().WithKey();
        string[] internalTargets =
        [
            "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook", "http://[::1]:8080/hook", "http://[::ffff:127.0.0.1]/hook",
            "http://localhost:9/hook", "https://[fd12:3456::1]/hook", "http://192.168.0.10/hook", "http://0x7f000001/hook",
        ];
        var problem = await (await Put(client, internalTargets)).AssertProblem(400);
        var errors = problem["errors"]!.AsObject();
        for (int i = 0; i < internalTargets.Length; i++)
        {
            Assert.True(errors.ContainsKey($"urls[{i}]"), $"{internalTargets[i]} was not refused: {problem}");
            Assert.Contains("internal address", (string?)errors[$"urls[{i}]"]![0]);
            Assert.Contains("Webhooks:AllowedHosts", (string?)errors[$"urls[{i}]"]![0]);
        }
        // The refusal does not echo the address back.
        Assert.DoesNotContain("169.254", problem.ToJsonString());
        var list = await (await client.GetAsync("/v1/webhooks")).Json();
        Assert.Empty(list["added"]!.AsArray());

        await using var allowing = fixture.Api(fixture.CopyRegistry(), new Dictionary<string, string?> { ["Webhooks:AllowedHosts:0"] = "localhost" });
        using var allowed = allowing.CreateClient().WithKey();
        Assert.Equal(HttpStatusCode.OK, (await Put(allowed, ["http://localhost:9/hook"])).StatusCode);
        await (await Put(allowed, ["http://127.0.0.1:9/hook"])).AssertProblem(400, "urls[0]");
    }

    [Fact]
    public void A_configured_webhook_to_an_internal_address_stops_the_start_with_the_setting_named()
    {
        using var api = fixture.Api(settings: new Dictionary<string, string?> { ["Webhooks:Urls:0"] = "http://169.254.169.254/latest/meta-data/" });
        var e = Assert.ThrowsAny<Exception>(() => api.CreateClient());
        Assert.Contains("Webhooks:Urls", e.ToString());
    }

    [Fact]
    public async Task At_delivery_a_name_that_resolves_to_an_internal_address_is_refused_before_it_connects()
    {
        var registry = fixture.CopyRegistry();
        // Two paths on one receiver: a name (checked only when it is called, as a name that changes its answer would be)
        // and an allowed address.
        using var receiver = new WebhookReceiver(("localhost", "/refused/"), ("127.0.0.1", "/allowed/"));
        var refusedUrl = receiver.Url("localhost", "/refused/");
        var allowedUrl = receiver.Url("127.0.0.1", "/allowed/");
        await using var api = fixture.Api(registry, new Dictionary<string, string?>
        {
            ["Webhooks:Urls:0"] = refusedUrl, ["Webhooks:Urls:1"] = allowedUrl, ["Webhooks:AllowedHosts:0"] = "127.0.0.1",
            ["Webhooks:RetryDelaySeconds"] = "0.1",
        });
        using var client = api.CreateClient();
        var view = api.Services.GetRequiredService<SnapshotHost>().Current!;
        var dispatcher = api.Services.GetRequiredService<WebhookDispatcher>();
        dispatcher.Enqueue(view);
        var snapshot = Path.GetFileName(view.Path);
        await Waits.UntilAsync(() => Task.FromResult(dispatcher.Handled(snapshot)), done => done, "the snapshot's webhooks to be handled");

        var deliveries = api.Services.GetRequiredService<WebhookDeliveries>();
        var refused = deliveries.Read(snapshot, refusedUrl)!;
        Assert.False(refused.Delivered);
        Assert.Contains("internal address", refused.LastError);
        Assert.Equal(1, refused.Attempts);
        Assert.True(deliveries.Read(snapshot, allowedUrl)!.Delivered);
        Assert.Equal(0, receiver.Hits("/refused/"));
        Assert.Equal(1, receiver.Hits("/allowed/"));
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, string[] urls) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/webhooks") { Content = JsonContent.Create(new { urls }) });
}
