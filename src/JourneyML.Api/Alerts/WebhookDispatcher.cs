using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using JourneyML.Api.Serving;
using JourneyML.Core.Scoring;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Alerts;

/// <summary>One attempt to deliver a snapshot's alerts to a webhook.</summary>
public sealed record WebhookDelivery(string Url, string Snapshot, int Alerts, int Attempts, bool Delivered, int? LastStatus, string? LastError, DateTime At);

/// <summary>
/// Calls the configured webhooks after each scoring run with the new snapshot's alerts: JSON body, an HMAC-SHA256
/// signature header when a secret is set, retries with a doubling delay on failures and non-2xx answers. Runs in the
/// background so a slow receiver never holds up serving.
/// </summary>
public sealed class WebhookDispatcher(IHttpClientFactory clients, WebhookStore store, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    public const string SignatureHeader = "X-JourneyML-Signature";
    public const string EventHeader = "X-JourneyML-Event";
    public const string HttpClientName = "webhooks";

    private readonly Channel<SnapshotView> _queue = Channel.CreateUnbounded<SnapshotView>();
    private readonly List<WebhookDelivery> _recent = [];

    /// <summary>The last deliveries, newest first (for GET /v1/webhooks).</summary>
    public IReadOnlyList<WebhookDelivery> Recent
    {
        get
        {
            lock (_recent)
            {
                return [.. _recent];
            }
        }
    }

    public void Enqueue(SnapshotView view) => _queue.Writer.TryWrite(view);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var view in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var urls = options.Value.Urls.Concat(store.Urls()).Distinct(StringComparer.Ordinal).ToList();
                if (urls.Count == 0)
                {
                    continue;
                }
                var body = Payload(view);
                await Task.WhenAll(urls.Select(url => DeliverAsync(url, view, body, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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

    private async Task DeliverAsync(string url, SnapshotView view, byte[] body, CancellationToken cancellationToken)
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
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add(EventHeader, "alerts");
                if (settings.Secret is { Length: > 0 } secret)
                {
                    request.Headers.Add(SignatureHeader, Sign(secret, body));
                }
                using var response = await client.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                delivered = response.IsSuccessStatusCode;
                error = delivered ? null : $"answered {status}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = e is TaskCanceledException ? "timed out" : e.Message;
            }
        }
        var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : url;
        if (delivered)
        {
            logger.LogInformation("Webhook {Url}: {Alerts} alerts of {Snapshot} delivered (attempt {Attempt})", host, view.LatestAlerts.Count, Path.GetFileName(view.Path), attempt);
        }
        else
        {
            logger.LogWarning("Webhook {Url}: delivery of {Snapshot} failed after {Attempts} attempts: {Error}", host, Path.GetFileName(view.Path), attempt, error);
        }
        lock (_recent)
        {
            _recent.Insert(0, new WebhookDelivery(host, Path.GetFileName(view.Path), view.LatestAlerts.Count, attempt, delivered, status, error, DateTime.UtcNow));
            if (_recent.Count > 50)
            {
                _recent.RemoveAt(_recent.Count - 1);
            }
        }
    }
}

public sealed record WebhookPayload(string Event, string Snapshot, DateTime AsOf, DateTime? PreviousAsOf, string ModelVersion, int Count, IReadOnlyList<AlertResponse> Alerts);
