using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Serving;

/// <summary>What the pipeline warm-up sent through the service's own request pipeline before readiness.</summary>
public sealed record PipelineWarmUpReport(int Rounds, int Requests, int Pages, int Failed, TimeSpan Took, bool Settled, IReadOnlyList<string> NotAnswered);

/// <summary>
/// The second half of the warm-up, once the server listens: requests as a client sends them (routing, the key and rate
/// checks, model binding, the handlers, JSON and Razor rendering, in both languages) through the service's own
/// request pipeline, in process, round after round until the JIT has been quiet for a second, within
/// <see cref="ServingOptions.WarmUpSeconds"/>. <see cref="ServingWarmUp"/> runs the handlers alone before the server
/// listens; without this, the first page a user opened compiled the page's code (1.3 s on a 1,000,000-customer list
/// instead of 14 ms) and the HTTP path reached full speed only after tens of seconds of traffic. Readiness waits for
/// it (<see cref="Done"/>). Warm-up requests are marked, never rate-limited, and answered to nobody.
/// </summary>
public sealed class PipelineWarmUp(ModelHost models, SnapshotHost snapshots, ServingWarmUp handlers, IServiceScopeFactory scopes, IOptions<ServingOptions> options,
    IOptions<SecurityOptions> security, IServer server, ILogger<PipelineWarmUp> logger) : IHostedLifecycleService
{
    private const string Marker = "journeyml.warm-up";
    private static readonly TimeSpan s_quietJit = TimeSpan.FromSeconds(1);
    private RequestDelegate? _pipeline;
    private readonly HashSet<string> _explained = [];

    /// <summary>True once the pipeline warm-up finished (or there is no pipeline to warm: a host without the entry point).</summary>
    public bool Done { get; private set; }

    public PipelineWarmUpReport? Last { get; private set; }

    /// <summary>Whether a request is one of the warm-up's own (the rate limiter lets them through without counting them).</summary>
    public static bool IsWarmUp(HttpContext context) => context.Items.ContainsKey(Marker);

    /// <summary>The entry point: everything after it in the pipeline (routing included) is what the warm-up runs through.</summary>
    public void Capture(RequestDelegate rest) => _pipeline ??= rest;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        // After every hosted service started: the server listens and the pipeline is built. The host's start (and a
        // test's StartServer) waits for this; readiness says "warming up" meanwhile.
        try
        {
            if (_pipeline is { } pipeline)
            {
                Last = await RunAsync(pipeline, cancellationToken);
                await OverTheSocketAsync(cancellationToken);
                logger.LogInformation("Warmed the request pipeline in {Took:0.0} s {Ending}: {Requests} requests ({Pages} workspace pages) in {Rounds} rounds, {Failed} not answered 2xx {NotAnswered}",
                    Last.Took.TotalSeconds, Last.Settled ? "until the JIT was quiet" : "(stopped at Serving:WarmUpSeconds)", Last.Requests, Last.Pages, Last.Rounds, Last.Failed, Last.NotAnswered);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A warm-up that trips must never keep a working service from serving.
            logger.LogWarning(e, "The pipeline warm-up stopped early; serving anyway");
        }
        finally
        {
            Done = true;
        }
    }

    private async Task<PipelineWarmUpReport> RunAsync(RequestDelegate pipeline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(options.Value.WarmUpSeconds);
        var requests = Requests();
        long jit = JitInfo.GetCompiledMethodCount();
        var quietSince = clock.Elapsed;
        int rounds = 0, sent = 0, pages = 0, failed = 0;
        var notAnswered = new SortedSet<string>(StringComparer.Ordinal);
        do
        {
            foreach (var (method, target, language, body) in requests)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int status = await SendAsync(pipeline, method, target, language, body, cancellationToken);
                sent++;
                pages += target.StartsWith("/v1/", StringComparison.Ordinal) ? 0 : 1;
                if (status is not (>= 200 and < 400))
                {
                    failed++;
                    // The route's first segment and the status: never a customer id.
                    notAnswered.Add($"{method} /{target.TrimStart('/').Split('/', '?')[0]}{(target.StartsWith("/v1/", StringComparison.Ordinal) ? "/" + target.Split('/', '?')[2] : "")} {status}");
                }
            }
            rounds++;
            long now = JitInfo.GetCompiledMethodCount();
            if (now != jit)
            {
                jit = now;
                quietSince = clock.Elapsed;
            }
        }
        while (clock.Elapsed < budget && clock.Elapsed - quietSince < s_quietJit);
        return new PipelineWarmUpReport(rounds, sent, pages, failed, clock.Elapsed, clock.Elapsed - quietSince >= s_quietJit, [.. notAnswered]);
    }

    /// <summary>
    /// A few requests over the server's own socket (a liveness check: never rate-limited, no customer data), so the
    /// server's connection and HTTP parsing code is compiled before the first client too. Skipped where the server has
    /// no plain HTTP address (an in-memory test server, HTTPS only).
    /// </summary>
    private async Task OverTheSocketAsync(CancellationToken cancellationToken)
    {
        var address = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var root))
        {
            return;
        }
        try
        {
            using var client = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromSeconds(10) };
            for (int i = 0; i < 20; i++)
            {
                using var response = await client.GetAsync("/health/live", cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A server bound where this process cannot reach it (a container's outside address): the pipeline is warm anyway.
            logger.LogDebug("The warm-up could not reach the server's own address: {Reason}", e.Message);
        }
    }

    /// <summary>The requests of a round: every workspace page in both languages, and the API's reads and predictions.</summary>
    private List<(string Method, string Target, string Language, string? Body)> Requests()
    {
        var list = new List<(string, string, string, string?)>();
        var view = snapshots.Current;
        var pagesToWarm = new List<string> { "/", "/accounts", "/models", "/alerts", "/login" };
        var reads = new List<string> { "/v1/models", "/v1/alerts" };
        if (view is { Latest: { Count: > 0 } latest })
        {
            pagesToWarm.AddRange(["/?sort=change", "/?page=2&size=100", "/segments"]);
            int row = Enumerable.Range(0, latest.Count).FirstOrDefault(r => latest.Status[r] == CustomerStatus.Customer);
            pagesToWarm.Add("/customers/" + Uri.EscapeDataString(latest.CustomerIds[row]));
            pagesToWarm.Add(string.Create(CultureInfo.InvariantCulture, $"/segments/{latest.SegmentIds[row]}"));
            reads.Add("/v1/customers/" + Uri.EscapeDataString(latest.CustomerIds[row]));
            if (latest.AccountIds[row] is { Length: > 0 } account)
            {
                pagesToWarm.Add("/accounts/" + Uri.EscapeDataString(account));
                reads.Add("/v1/accounts/" + Uri.EscapeDataString(account));
            }
        }
        foreach (var language in new[] { "ja", "en-US" })
        {
            list.AddRange(pagesToWarm.Select(p => ("GET", p, language, (string?)null)));
        }
        list.AddRange(reads.Select(r => ("GET", r, "en-US", (string?)null)));
        if (models.Current is { } predictor)
        {
            list.AddRange(handlers.RequestBodies(predictor, view).Select(b => ("POST", "/v1/predictions", "en-US", (string?)b)));
        }
        return list;
    }

    /// <summary>One request through the pipeline, as a loopback client with the key (when one is configured) sends it; the answer is dropped.</summary>
    private async Task<int> SendAsync(RequestDelegate pipeline, string method, string target, string language, string? body, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Items[Marker] = true;
        context.RequestAborted = cancellationToken;
        var request = context.Request;
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        int query = target.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? target : target[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
        request.Headers.AcceptLanguage = language;
        if (security.Value.ApiKey is { Length: > 0 } key)
        {
            request.Headers[SecurityOptions.HeaderName] = key;
        }
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.ContentType = "application/json";
            request.ContentLength = bytes.Length;
            request.Body = new MemoryStream(bytes);
            context.Features.Set<IHttpRequestBodyDetectionFeature>(HasBody.Instance);
        }
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        using var answer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(answer));
        await pipeline(context);
        if (context.Response.StatusCode >= 400 && _explained.Add(method + " " + request.Path))
        {
            // The warm-up's own requests carry no customer's data: the answer says why a path did not warm.
            logger.LogWarning("Warm-up request {Method} {Route} answered {Status}: {Answer}", method, request.Path.Value!.StartsWith("/v1/", StringComparison.Ordinal) ? request.Path.Value : "(a page)",
                context.Response.StatusCode, Encoding.UTF8.GetString(answer.ToArray()));
        }
        return context.Response.StatusCode;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What a server says of a request with a body (minimal APIs read a body only when told one can be there).</summary>
internal sealed class HasBody : IHttpRequestBodyDetectionFeature
{
    public static readonly HasBody Instance = new();
    public bool CanHaveBody => true;
}

/// <summary>The pipeline's entry point for the warm-up.</summary>
public static class PipelineWarmUpEntry
{
    /// <summary>Call first: routing and everything after it is what the warm-up sends its requests through.</summary>
    public static IApplicationBuilder UseWarmUpEntry(this IApplicationBuilder app)
    {
        var warmUp = app.ApplicationServices.GetRequiredService<PipelineWarmUp>();
        return app.Use(next =>
        {
            warmUp.Capture(next);
            return next;
        });
    }
}
