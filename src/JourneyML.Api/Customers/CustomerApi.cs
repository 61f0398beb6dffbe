using JourneyML.Api.Errors;
using JourneyML.Api.Predictions;
using JourneyML.Api.Serving;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using JourneyML.Core.Survival;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Customers;

public sealed record RiskPointResponse(DateTime AsOf, string ModelVersion, double? ChurnRisk, double? LeadScore, string? Stage);

public sealed record CustomerResponse(CustomerRow Latest, DateTime AsOf, string ModelVersion, string? Role, IReadOnlyList<RiskPointResponse> History) : IModelVersioned
{
    /// <summary>A paying customer's survival curve from the snapshot's as-of date; null for leads, churned customers, or a version without a survival model.</summary>
    public TimeToChurnResponse? TimeToChurn { get; init; }
}

/// <summary>One point of a survival curve: the probability of still paying, and of having churned, that many days after the as-of date.</summary>
public sealed record SurvivalPointResponse(int Days, double Survival, double ChurnRisk);

/// <summary>A survival curve and the median time to churn (null, with "beyond 180 days" in words, when the curve stays above one half).</summary>
public sealed record TimeToChurnResponse(IReadOnlyList<SurvivalPointResponse> Curve, double? MedianDays, string Median)
{
    /// <summary>
    /// The top factors of the time to churn in words, separated by "; " as the customer's <c>factors</c>: what shortens it
    /// (or, when nothing does, what lengthens it), in Japanese for <c>?lang=ja</c>; null for a snapshot written before them.
    /// </summary>
    public string? Factors { get; init; }

    public static TimeToChurnResponse? Of(Snapshot s, int row, ReasonLanguage language = ReasonLanguage.English) => s.TimeToChurn?.Curve(row) is { } curve
        ? Of(curve) with { Factors = s.TimeToChurn.FactorsIn(row, language) }
        : null;

    /// <summary>A curve without factors (a live prediction's).</summary>
    public static TimeToChurnResponse Of(SurvivalCurve curve) =>
        new([.. SurvivalCurve.Days.Select(d => new SurvivalPointResponse(d, Math.Round(curve.At(d), 4), Math.Round(curve.ChurnWithin(d), 4)))], curve.MedianDays, curve.MedianText);
}

/// <param name="Factors">The contact's top factors in words, as the snapshot wrote them (in Japanese for <c>?lang=ja</c> or <c>Accept-Language: ja</c>).</param>
public sealed record ContactResponse(string CustomerId, string? Role, CustomerStatus Status, string Stage, double? ChurnRisk, double? LeadScore, bool EngagedLast30Days,
    string Factors = "");

public sealed record AccountResponse(
    string AccountId,
    DateTime AsOf,
    string ModelVersion,
    int Contacts,
    int EngagedContacts,
    IReadOnlyList<string> EngagedRoles,
    bool DecisionMakerEngaged,
    double? AccountChurnRisk,
    double? AverageChurnRisk,
    double? AccountLeadScore,
    string? HighestRiskContact,
    IReadOnlyList<ContactResponse> ContactList) : IModelVersioned;

/// <summary>One customer's latest scores and risk history; one account's buying-group roll-up.</summary>
public static class CustomerApi
{
    public static RouteGroupBuilder MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Customers and accounts").TagModelVersion(ModelVersionTag.Scored);
        group.MapGet("/customers/{id}", Customer).WithName("Customer")
            .WithSummary("A customer's latest scores, stage, factors, and risk history across snapshots");
        group.MapGet("/accounts/{id}", Account).WithName("Account")
            .WithSummary("An account (buying group): contacts, engaged roles, account churn risk and lead score")
            .WithDescription("Account churn risk is the highest of its paying contacts' risks (losing the account takes one decision); the average is given too. Account lead score is the highest of its leads' scores.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The customer's latest row and history; the reasons in Japanese for <c>?lang=ja</c> or <c>Accept-Language: ja</c> (as predictions).</summary>
    internal static Results<Ok<CustomerResponse>, ProblemHttpResult> Customer(string id, SnapshotHost snapshots, HttpContext? context = null)
    {
        var language = ReasonLanguages.Of(context);
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        if (!view.TryFind(id, out int row))
        {
            return TypedResults.Problem(statusCode: 404, title: "Unknown customer", detail: "no customer with this id in the latest snapshot");
        }
        int rank = view.RankOf(row);
        var history = view.History(row).Select(p => new RiskPointResponse(p.AsOf, p.ModelVersion, ApiJson.Score(p.ChurnRisk), ApiJson.Score(p.LeadScore), p.Stage)).ToList();
        return TypedResults.Ok(new CustomerResponse(CustomerRow.From(s, row, rank >= 0 ? rank + 1 : null, language), s.AsOf, s.ModelVersion, s.Roles?[row], history)
        {
            TimeToChurn = TimeToChurnResponse.Of(s, row, language),
        });
    }

    /// <summary>The account's roll-up, each contact with their reasons (in Japanese for <c>?lang=ja</c> or <c>Accept-Language: ja</c>).</summary>
    internal static Ok<AccountResponse> Account(string id, SnapshotHost snapshots, HttpContext? context = null)
    {
        var language = ReasonLanguages.Of(context);
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var a = AccountRollup.Of(view, id);
        return TypedResults.Ok(new AccountResponse(a.AccountId, view.Latest.AsOf, view.Latest.ModelVersion, a.Contacts, a.EngagedContacts, a.EngagedRoles,
            a.DecisionMakerEngaged, ApiJson.Score(a.AccountChurnRisk), ApiJson.Score(a.AverageChurnRisk), ApiJson.Score(a.AccountLeadScore), a.HighestRiskContact,
            [.. a.ContactList.Select(c => new ContactResponse(c.CustomerId, c.Role, c.Status, c.Stage, ApiJson.Score(c.ChurnRisk), ApiJson.Score(c.LeadScore),
                c.EngagedLast30Days, view.TryFind(c.CustomerId, out int row) ? view.Latest.FactorsIn(row, language) : ""))]));
    }
}
