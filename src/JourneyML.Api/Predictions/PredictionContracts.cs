using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using JourneyML.Core.Prediction;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Predictions;

/// <summary>
/// One customer to predict, in one of two forms: a ready feature row (<c>features</c>, with <c>customerId</c> and
/// optionally <c>accountId</c> and <c>status</c>), or a <c>profile</c> with recent <c>events</c> (features are then
/// built as of <c>asOf</c>, default now, by the same feature step as the nightly scoring).
/// </summary>
public sealed record CustomerInput
{
    [StringLength(200)]
    public string? CustomerId { get; init; }
    [StringLength(200)]
    public string? AccountId { get; init; }
    /// <summary>lead, customer (default) or churned; with a profile it comes from customerSince/churnedAt or lifecycle events.</summary>
    public string? Status { get; init; }
    /// <summary>Feature name to value (numbers, or text for plan, role, region). Features left out count as missing.</summary>
    public Dictionary<string, JsonElement>? Features { get; init; }
    public CustomerProfile? Profile { get; init; }
    [MaxLength(100_000)]
    public List<EventInput>? Events { get; init; }
    /// <summary>The as-of date of a profile's features (UTC); default now. Every event must be before it.</summary>
    public DateTime? AsOf { get; init; }
    /// <summary>Where the given history begins (default: the first event given). Trends need 60 days of history.</summary>
    public DateTime? HistoryFrom { get; init; }
}

public sealed record CustomerProfile
{
    [StringLength(200)]
    public string? CustomerId { get; init; }
    [StringLength(200)]
    public string? AccountId { get; init; }
    public DateTime? SignedUpAt { get; init; }
    [StringLength(100)]
    public string? Plan { get; init; }
    /// <summary>Buying-group role: decision-maker, finance, it, user, ...</summary>
    [StringLength(100)]
    public string? Role { get; init; }
    [StringLength(100)]
    public string? Region { get; init; }
    /// <summary>When the customer first purchased (makes them a customer, not a lead).</summary>
    public DateTime? CustomerSince { get; init; }
    public DateTime? ChurnedAt { get; init; }
}

public sealed record EventInput
{
    /// <summary>When it happened (UTC); required, before the as-of date.</summary>
    public DateTime? OccurredAt { get; init; }
    /// <summary>A JourneyML event type: login, ticket_opened, pricing_page_view, webinar_attended, ...</summary>
    [StringLength(100)]
    public string? Type { get; init; }
    [StringLength(100)]
    public string? Channel { get; init; }
    /// <summary>The event's number in the export's unit (minutes, severity, ...), within ±1e12.</summary>
    public double? Value { get; init; }
}

public sealed record BatchPredictionRequest
{
    public List<CustomerInput>? Customers { get; init; }
}

public sealed record WhatIfRequest
{
    public CustomerInput? Customer { get; init; }
    /// <summary>Each change sets a feature to a value, or to another feature's value (sameAs), for example logins_30d sameAs logins_prev_30d.</summary>
    public List<FeatureChangeInput>? Changes { get; init; }
}

public sealed record FeatureChangeInput
{
    public string? Feature { get; init; }
    public JsonElement? Value { get; init; }
    public string? SameAs { get; init; }
}

public sealed record SegmentRef(int Id, string Name);

public sealed record FactorResponse(string Feature, string Text, double Contribution)
{
    public static FactorResponse From(Factor f, ReasonLanguage language = ReasonLanguage.English) => new(f.Feature, f.In(language), Math.Round(f.Contribution, 4));
}

public sealed record PredictionResponse(
    string CustomerId,
    string? AccountId,
    CustomerStatus Status,
    SegmentRef Segment,
    string Stage,
    double? ChurnRisk,
    double? LeadScore,
    IReadOnlyList<FactorResponse> Factors,
    string ModelVersion,
    IReadOnlyList<string>? MissingFeatures = null) : IModelVersioned
{
    /// <summary>A paying customer's survival curve and median time to churn from the features' as-of date; absent for leads, churned customers and a version without a survival model.</summary>
    public Customers.TimeToChurnResponse? TimeToChurn { get; init; }

    public static PredictionResponse From(CustomerPrediction p, IReadOnlyList<string>? missing = null, ReasonLanguage language = ReasonLanguage.English) =>
        new(p.CustomerId, p.AccountId, p.Status, new SegmentRef(p.SegmentId, p.SegmentName), p.Stage, ApiJson.Score(p.ChurnRisk), ApiJson.Score(p.LeadScore),
            [.. p.Factors.Select(f => FactorResponse.From(f, language))], p.ModelVersion, missing is { Count: > 0 } ? missing : null)
        {
            TimeToChurn = p.TimeToChurn is { } curve ? Customers.TimeToChurnResponse.Of(curve) : null,
        };
}

public sealed record BatchPredictionResponse(string ModelVersion, int Count, IReadOnlyList<PredictionResponse> Predictions) : IModelVersioned;

public sealed record AppliedChange(string Feature, JsonElement? From, JsonElement? To);

public sealed record WhatIfResponse(
    string ModelVersion,
    PredictionResponse Before,
    PredictionResponse After,
    IReadOnlyList<AppliedChange> Changes,
    double? ChurnRiskChange,
    double? LeadScoreChange) : IModelVersioned;
