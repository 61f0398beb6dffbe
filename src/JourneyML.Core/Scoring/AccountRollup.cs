using JourneyML.Core.Features;
using JourneyML.Core.Data;

namespace JourneyML.Core.Scoring;

/// <summary>One contact of an account (buying group) in the latest snapshot.</summary>
public sealed record AccountContact(string CustomerId, string? Role, CustomerStatus Status, string Stage, float? ChurnRisk, float? LeadScore, bool EngagedLast30Days);

/// <summary>
/// An account's buying group rolled up from its contacts' scores in the latest snapshot. A score that counts one contact
/// misses the picture: how many contacts are engaged, from which roles, is a decision-maker among them. The account's
/// churn risk is its riskiest paying contact's (losing the account takes one decision); the average is given beside it.
/// Its lead score is its best lead's.
/// </summary>
public sealed record AccountRollup(
    string AccountId,
    int Contacts,
    int EngagedContacts,
    IReadOnlyList<string> EngagedRoles,
    bool DecisionMakerEngaged,
    float? AccountChurnRisk,
    float? AverageChurnRisk,
    float? AccountLeadScore,
    string? HighestRiskContact,
    IReadOnlyList<AccountContact> ContactList)
{
    /// <summary>The feature that says a contact was engaged: any activity in the last 30 days.</summary>
    private const string ActiveDays = "active_days_30d";

    /// <summary>The roll-up of an account's contacts, highest churn risk first (then highest lead score).</summary>
    /// <exception cref="NotFoundException">No contact of the account in the snapshot.</exception>
    public static AccountRollup Of(SnapshotView view, string accountId)
    {
        var s = view.Latest;
        var rows = view.AccountRows(accountId);
        if (rows.Count == 0)
        {
            throw new NotFoundException("account", "no contact of this account in the latest snapshot");
        }
        var active = s.FeatureValues.GetValueOrDefault(ActiveDays);
        bool Engaged(int r) => active is not null && active[r] > 0;
        var contacts = rows.Select(r => new AccountContact(s.CustomerIds[r], s.Roles?[r], s.Status[r], s.Stage[r], Value(s.ChurnRisk[r]), Value(s.LeadScore[r]), Engaged(r)))
            .OrderByDescending(c => c.ChurnRisk ?? -1).ThenByDescending(c => c.LeadScore ?? -1).ToList();
        var risks = rows.Where(r => !float.IsNaN(s.ChurnRisk[r])).ToList();
        var leads = rows.Where(r => !float.IsNaN(s.LeadScore[r])).ToList();
        var engagedRoles = rows.Where(Engaged).Select(r => s.Roles?[r]).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order().ToList();
        return new AccountRollup(accountId, rows.Count, rows.Count(Engaged), engagedRoles,
            rows.Any(r => Engaged(r) && s.Roles?[r] is { } role && Roles.IsDecisionMaker(role)),
            risks.Count > 0 ? risks.Max(r => s.ChurnRisk[r]) : null,
            risks.Count > 0 ? risks.Average(r => s.ChurnRisk[r]) : null,
            leads.Count > 0 ? leads.Max(r => s.LeadScore[r]) : null,
            risks.Count > 0 ? s.CustomerIds[risks.MaxBy(r => s.ChurnRisk[r])] : null,
            contacts);
    }

    private static float? Value(float v) => float.IsNaN(v) ? null : v;
}
