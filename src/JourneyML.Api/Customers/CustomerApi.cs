using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Customers;

public sealed record RiskPointResponse(DateTime AsOf, string ModelVersion, double? ChurnRisk, double? LeadScore, string? Stage);

public sealed record CustomerResponse(CustomerRow Latest, DateTime AsOf, string ModelVersion, string? Role, IReadOnlyList<RiskPointResponse> History);

public sealed record ContactResponse(string CustomerId, string? Role, string Status, string Stage, double? ChurnRisk, double? LeadScore, bool EngagedLast30Days);

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
    IReadOnlyList<ContactResponse> ContactList);

/// <summary>One customer's latest scores and risk history; one account's buying-group roll-up.</summary>
public static class CustomerApi
{
    public static RouteGroupBuilder MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Customers and accounts");
        group.MapGet("/customers/{id}", Customer).WithName("Customer")
            .WithSummary("A customer's latest scores, stage, factors, and risk history across snapshots");
        group.MapGet("/accounts/{id}", Account).WithName("Account")
            .WithSummary("An account (buying group): contacts, engaged roles, account churn risk and lead score")
            .WithDescription("Account churn risk is the highest of its paying contacts' risks (losing the account takes one decision); the average is given too. Account lead score is the highest of its leads' scores.");
        return group;
    }

    internal static Results<Ok<CustomerResponse>, ProblemHttpResult> Customer(string id, SnapshotHost snapshots, HttpContext context)
    {
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        context.Items[RequestLogging.ModelVersionItem] = s.ModelVersion;
        if (!view.TryFind(id, out int row))
        {
            return TypedResults.Problem(statusCode: 404, title: "Unknown customer", detail: "no customer with this id in the latest snapshot");
        }
        int rank = view.RankOf(row);
        var history = view.History(row).Select(p => new RiskPointResponse(p.AsOf, p.ModelVersion, ApiJson.Score(p.ChurnRisk), ApiJson.Score(p.LeadScore), p.Stage)).ToList();
        return TypedResults.Ok(new CustomerResponse(CustomerRow.From(s, row, rank >= 0 ? rank + 1 : null), s.AsOf, s.ModelVersion, s.Roles?[row], history));
    }

    internal static Results<Ok<AccountResponse>, ProblemHttpResult> Account(string id, SnapshotHost snapshots, HttpContext context)
    {
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        context.Items[RequestLogging.ModelVersionItem] = s.ModelVersion;
        var rows = view.AccountRows(id);
        if (rows.Count == 0)
        {
            return TypedResults.Problem(statusCode: 404, title: "Unknown account", detail: "no contact of this account in the latest snapshot");
        }
        var active = s.FeatureValues.GetValueOrDefault("active_days_30d");
        bool Engaged(int r) => active is not null && active[r] > 0;
        var contacts = rows.Select(r => new ContactResponse(s.CustomerIds[r], s.Roles?[r], s.Status[r], s.Stage[r], ApiJson.Score(s.ChurnRisk[r]),
            ApiJson.Score(s.LeadScore[r]), Engaged(r))).OrderByDescending(c => c.ChurnRisk ?? -1).ThenByDescending(c => c.LeadScore ?? -1).ToList();
        var risks = rows.Where(r => !float.IsNaN(s.ChurnRisk[r])).ToList();
        var leads = rows.Where(r => !float.IsNaN(s.LeadScore[r])).ToList();
        var engagedRoles = rows.Where(Engaged).Select(r => s.Roles?[r]).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order().ToList();
        return TypedResults.Ok(new AccountResponse(id, s.AsOf, s.ModelVersion, rows.Count, rows.Count(Engaged), engagedRoles,
            rows.Any(r => Engaged(r) && s.Roles?[r] is { } role && Roles.IsDecisionMaker(role)),
            risks.Count > 0 ? ApiJson.Score(risks.Max(r => s.ChurnRisk[r])) : null,
            risks.Count > 0 ? ApiJson.Score(risks.Average(r => s.ChurnRisk[r])) : null,
            leads.Count > 0 ? ApiJson.Score(leads.Max(r => s.LeadScore[r])) : null,
            risks.Count > 0 ? s.CustomerIds[risks.MaxBy(r => s.ChurnRisk[r])] : null,
            contacts));
    }
}
