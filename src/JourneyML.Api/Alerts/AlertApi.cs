using JourneyML.Api.Errors;
using JourneyML.Api.Security;
using JourneyML.Api.Serving;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Alerts;

public sealed record AlertResponse(string CustomerId, string? AccountId, AlertKind Kind, DateTime AsOf, DateTime PreviousAsOf, double? ChurnRisk,
    double? PreviousChurnRisk, string Stage, string? PreviousStage, string? Factors, string ModelVersion)
{
    public static AlertResponse From(Alert a) => new(a.CustomerId, a.AccountId, a.Kind, a.AsOf, a.PreviousAsOf, ApiJson.Score(a.ChurnRisk),
        ApiJson.Score(a.PreviousChurnRisk), a.Stage, a.PreviousStage, a.Factors.Length == 0 ? null : a.Factors, a.ModelVersion);
}

public sealed record AlertList(DateTime AsOf, DateTime? Since, double ChurnRiskThreshold, IReadOnlyList<string> WatchedStages, int Count,
    IReadOnlyList<AlertResponse> Alerts);

public sealed record WebhookList(IReadOnlyList<string> Configured, IReadOnlyList<string> Added, bool Signed, IReadOnlyList<WebhookDelivery> RecentDeliveries);

public sealed record WebhookUpdate
{
    public List<string>? Urls { get; init; }
}

/// <summary>Alerts between snapshots (risk crossed the threshold; moved to At-risk or Dormant) and the webhooks they are pushed to.</summary>
public static class AlertApi
{
    public static RouteGroupBuilder MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Alerts");
        group.MapGet("/alerts", List).WithName("Alerts").RequireReadKey().TagModelVersion(ModelVersionTag.Scored)
            .WithSummary("Customers whose churn risk crossed the threshold, or whose stage moved to At-risk or Dormant, between consecutive snapshots")
            .WithDescription("since (a date): alerts of snapshots with an as-of date after it; default: the latest snapshot's alerts against the one before.");
        group.MapGet("/webhooks", Webhooks).WithName("Webhooks").RequireWriteKey()
            .WithSummary("The webhooks called after each scoring run, and the last deliveries");
        group.MapPut("/webhooks", SetWebhooks).WithName("SetWebhooks").RequireWriteKey()
            .WithSummary("Replace the webhook URLs added through the API (configured ones stay); internal hosts are refused unless Webhooks:AllowedHosts names them");
        return group;
    }

    internal static Ok<AlertList> List(SnapshotHost snapshots, DateTime? since = null)
    {
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var alerts = (since is { } d ? view.AlertsSince(d) : view.LatestAlerts).Select(AlertResponse.From).ToList();
        return TypedResults.Ok(new AlertList(view.Latest.AsOf, since, snapshots.Rules.ChurnRiskThreshold, snapshots.Rules.Stages, alerts.Count, alerts));
    }

    internal static Ok<WebhookList> Webhooks(WebhookStore store, WebhookDeliveries deliveries, IOptions<WebhookOptions> options) =>
        TypedResults.Ok(new WebhookList(options.Value.Urls, store.Urls(), !string.IsNullOrEmpty(options.Value.Secret), deliveries.Recent()));

    internal static async Task<Ok<WebhookList>> SetWebhooks(WebhookUpdate update, WebhookStore store, WebhookTargets targets, WebhookDeliveries deliveries,
        IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var urls = update.Urls ?? throw RequestValidationException.For("urls", "required: the list of URLs (empty to remove all)");
        if (urls.Count > 20)
        {
            throw RequestValidationException.For("urls", "at most 20 webhooks");
        }
        var problems = await Task.WhenAll(urls.Select(u => targets.ProblemAsync(u, cancellationToken)));
        var errors = problems.Select((p, i) => (i, Problem: p)).Where(x => x.Problem is not null).ToDictionary(x => $"urls[{x.i}]", x => new[] { x.Problem! });
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        store.Save([.. urls.Distinct(StringComparer.Ordinal)]);
        return Webhooks(store, deliveries, options);
    }
}
