using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using JourneyML.Api.Serving;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Alerts;

/// <summary>A snapshot's alerts delivered (or not) to a webhook, by the instance named.</summary>
public sealed record WebhookDelivery(string Url, string Snapshot, int Alerts, int Attempts, bool Delivered, int? LastStatus, string? LastError, DateTime At,
    string? Instance = null);

/// <summary>
/// Calls the configured webhooks after each scoring run with the new snapshot's alerts: JSON body, an HMAC-SHA256
/// signature header when a secret is set, retries with a doubling delay on failures and non-2xx answers. Runs in the
/// background so a slow receiver never holds up serving. Once per snapshot and URL across every instance on the
/// registry: an instance takes the delivery's lease first, and records the outcome before it lets the lease go
/// (<see cref="WebhookDeliveries"/>); the others see the record and stay quiet, or take over once the lease of an
/// instance that died while delivering has expired.
/// </summary>
public sealed class WebhookDispatcher(IHttpClientFactory clients, WebhookStore store, WebhookDeliveries deliveries, LeaseHolder instance,
    IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string SignatureHeader = "X-JourneyML-Signature";
    public const string EventHeader = "X-JourneyML-Event";
    public const string HttpClientName = "webhooks";

    /// <summary>How often an instance looks again at a delivery another instance holds the lease of.</summary>
    private static readonly TimeSpan s_lookAgain = TimeSpan.FromSeconds(1);

    private readonly Channel<SnapshotView> _queue = Channel.CreateUnbounded<SnapshotView>();
    private readonly Queue<string> _handled = new();

    public void Enqueue(SnapshotView view) => _queue.Writer.TryWrite(view);

    /// <summary>True once this instance is done with a snapshot's webhooks: it delivered them, or found them delivered by another instance.</summary>
    public bool Handled(string snapshot)
    {
        lock (_handled)
        {
            return _handled.Contains(snapshot);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var view in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var urls = options.Value.Urls.Concat(store.Urls()).Distinct(StringComparer.Ordinal).ToList();
                var body = urls.Count == 0 ? [] : Payload(view);
                await Task.WhenAll(urls.Select(url => OnceAsync(url, view, body, stoppingToken)));
                lock (_handled)
                {
                    _handled.Enqueue(Path.GetFileName(view.Path));
                    if (_handled.Count > 100)
                    {
                        _handled.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Delivers a snapshot to a URL unless an instance (this one or another) already did, under the delivery's lease.</summary>
    private async Task OnceAsync(string url, SnapshotView view, byte[] body, CancellationToken cancellationToken)
    {
        var snapshot = Path.GetFileName(view.Path);
        try
        {
            while (deliveries.Read(snapshot, url) is null)
            {
                if (FileLease.TryTake(deliveries.LeasePath(snapshot, url), instance, options.Value.LongestDelivery(), subject: snapshot) is { } lease)
                {
                    try
                    {
                        // Another instance may have delivered and let go of the lease between the look and the take.
                        if (deliveries.Read(snapshot, url) is null)
                        {
                            deliveries.Save(snapshot, url, await DeliverAsync(url, view, body, cancellationToken));
                        }
                    }
                    finally
                    {
                        lease.Release();
                    }
                    return;
                }
                await Task.Delay(s_lookAgain, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the registry's record there is no telling whether another instance delivers: leave it to them.
            logger.LogError("Webhook {Url}: the delivery of {Snapshot} cannot be coordinated through the registry ({Reason}); this instance does not deliver it",
                Where(url), snapshot, e.GetType().Name);
        }
    }

    /// <summary>The alerts of the latest snapshot (against the one before it), as the webhook body.</summary>
    public static byte[] Payload(SnapshotView view)
    {
        var latest = view.Latest;
        var alerts = view.LatestAlerts.Select(AlertResponse.From).ToList();
        var payload = new WebhookPayload("alerts", Path.GetFileName(view.Path), latest.AsOf, view.PreviousAsOf, latest.ModelVersion, alerts.Count, alerts);
        return JsonSerializer.SerializeToUtf8Bytes(payload, ApiJson.Options);
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<WebhookDelivery> DeliverAsync(string url, SnapshotView view, byte[] body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var client = clients.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        int? status = null;
        string? error = null;
        int attempt = 0;
        var delay = TimeSpan.FromSeconds(settings.RetryDelaySeconds);
        bool delivered = false;
        while (attempt < settings.Attempts && !delivered)
        {
            if (attempt > 0)
            {
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
            attempt++;
            bool refused;
            (status, error, refused) = await SendAsync(client, url, "alerts", body, cancellationToken);
            delivered = error is null;
            if (refused)
            {
                // An internal target stays internal: no point in trying again.
                break;
            }
        }
        var host = Where(url);
        if (delivered)
        {
            logger.LogInformation("Webhook {Url}: {Alerts} alerts of {Snapshot} delivered (attempt {Attempt})", host, view.LatestAlerts.Count, Path.GetFileName(view.Path), attempt);
        }
        else
        {
            logger.LogWarning("Webhook {Url}: delivery of {Snapshot} failed after {Attempts} attempts: {Error}", host, Path.GetFileName(view.Path), attempt, error);
        }
        return new WebhookDelivery(host, Path.GetFileName(view.Path), view.LatestAlerts.Count, attempt, delivered, status, error, DateTime.UtcNow, instance.Instance);
    }

    /// <summary>
    /// One test call to a URL (event "test", no customer data, signed as deliveries are), through the same client and
    /// address checks as a delivery, once and without retries: whether a receiver is reachable and accepts the signature.
    /// </summary>
    public async Task<WebhookTestResult> TestAsync(string url, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        client.Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookTestPayload("test", DateTime.UtcNow, instance.Instance), ApiJson.Options);
        var (status, error, _) = await SendAsync(client, url, "test", body, cancellationToken);
        logger.LogInformation("Webhook {Url}: test call {Outcome}", Where(url), error is null ? $"answered {status}" : $"failed: {error}");
        return new WebhookTestResult(Where(url), error is null, status, error);
    }

    /// <summary>One POST of a body: the status, an error in words (null on a 2xx) and whether the target was refused as internal.</summary>
    private async Task<(int? Status, string? Error, bool Refused)> SendAsync(HttpClient client, string url, string eventName, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add(EventHeader, eventName);
            if (options.Value.Secret is { Length: > 0 } secret)
            {
                request.Headers.Add(SignatureHeader, Sign(secret, body));
            }
            using var response = await client.SendAsync(request, cancellationToken);
            int status = (int)response.StatusCode;
            return (status, response.IsSuccessStatusCode ? null : $"answered {status}", false);
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            return (null, refused.Message, true);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, e is TaskCanceledException ? "timed out" : e.Message, false);
        }
    }

    private static WebhookTargetRefusedException? Refusal(Exception e) =>
        e as WebhookTargetRefusedException ?? (e.InnerException is { } inner ? Refusal(inner) : null);

    /// <summary>A URL as logs and answers show it: without its query, which may carry a receiver's token.</summary>
    private static string Where(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "(not a URL)";
}

/// <summary>What a test call answered: the URL (without its query), whether a 2xx came back, the status or the error.</summary>
public sealed record WebhookTestResult(string Url, bool Delivered, int? Status, string? Error);

public sealed record WebhookTestPayload(string Event, DateTime At, string Instance);

public sealed record WebhookPayload(string Event, string Snapshot, DateTime AsOf, DateTime? PreviousAsOf, string ModelVersion, int Count, IReadOnlyList<AlertResponse> Alerts);
