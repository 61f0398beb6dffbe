namespace JourneyML.Core.Data;

/// <summary>One person (a contact) from the customers table. In B2B several contacts share an account.</summary>
public sealed record Customer(
    string CustomerId,
    string? AccountId,
    DateTime SignedUpAt,
    string Plan,
    string? Role,
    string? Region,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>True when the contact's role is a decision-maker in the buying group.</summary>
    public bool IsDecisionMaker => Role is not null && Roles.IsDecisionMaker(Role);
}

public static class Roles
{
    public const string DecisionMaker = "decision-maker";

    public static bool IsDecisionMaker(string role) =>
        role.Equals(DecisionMaker, StringComparison.OrdinalIgnoreCase)
        || role.Equals("decision_maker", StringComparison.OrdinalIgnoreCase)
        || role.Equals("decision maker", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What is known of a customer's outcomes: when they converted (purchased) and when they churned.</summary>
public record struct Outcome(DateTime? ConvertedAt, DateTime? ChurnedAt);

/// <summary>One event given in memory (for a live prediction): the canonical type name, UTC time, optional channel and value.</summary>
public sealed record CustomerEvent(string CustomerId, DateTime OccurredAt, string Type, string? Channel = null, double? Value = null);
