using System.Text.Json.Serialization;
using JourneyML.Core.Errors;

namespace JourneyML.Core.Features;

public enum FeatureKind
{
    /// <summary>A number; NaN means missing (unknown), which is not the same as zero.</summary>
    Numeric,
    /// <summary>A category (plan, role, region); one-hot encoded by the models.</summary>
    Categorical,
}

/// <summary>
/// One feature: its values for every row, and what it means in the business's words. It is either a
/// <see cref="NumericColumn"/> or a <see cref="CategoricalColumn"/>; match on the type to read the values.
/// </summary>
public abstract class FeatureColumn
{
    private protected FeatureColumn(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public string Name { get; }
    public abstract FeatureKind Kind { get; }
    public string Description { get; }
    public abstract int Length { get; }

    /// <summary>The same feature holding only the given rows, in their order (a row may repeat).</summary>
    public abstract FeatureColumn Rows(IReadOnlyList<int> rows);

    public static NumericColumn Numeric(string name, string description, float[] values) => new(name, description, values);
    public static CategoricalColumn Categorical(string name, string description, string?[] values) => new(name, description, values);
}

/// <summary>A numeric feature; NaN means missing (unknown), which is not the same as zero.</summary>
public sealed class NumericColumn : FeatureColumn
{
    internal NumericColumn(string name, string description, float[] values) : base(name, description) => Values = values;

    public float[] Values { get; }
    public override FeatureKind Kind => FeatureKind.Numeric;
    public override int Length => Values.Length;
    public override NumericColumn Rows(IReadOnlyList<int> rows) => new(Name, Description, [.. rows.Select(r => Values[r])]);
}

/// <summary>A categorical feature; null means missing.</summary>
public sealed class CategoricalColumn : FeatureColumn
{
    internal CategoricalColumn(string name, string description, string?[] values) : base(name, description) => Values = values;

    public string?[] Values { get; }
    public override FeatureKind Kind => FeatureKind.Categorical;
    public override int Length => Values.Length;
    public override CategoricalColumn Rows(IReadOnlyList<int> rows) => new(Name, Description, [.. rows.Select(r => Values[r])]);
}

/// <summary>Well-known label names.</summary>
public static class LabelNames
{
    /// <summary>1 when a customer active at the as-of date churned within the horizon; 0 when not; NaN when not applicable or unknown.</summary>
    public const string Churn = "churned";
    /// <summary>1 when a lead at the as-of date converted (purchased) within the horizon; 0 when not; NaN when not applicable or unknown.</summary>
    public const string Conversion = "converted";
}

/// <summary>Lifecycle status of a customer at the as-of date; written "lead", "customer" or "churned" in every file and answer.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CustomerStatus>))]
public enum CustomerStatus
{
    /// <summary>Not (yet) a paying customer: the lead score applies.</summary>
    [JsonStringEnumMemberName("lead")]
    Lead,
    /// <summary>Paying at the as-of date: the churn risk applies.</summary>
    [JsonStringEnumMemberName("customer")]
    Customer,
    /// <summary>Cancelled before the as-of date (and not back since).</summary>
    [JsonStringEnumMemberName("churned")]
    Churned,
}

public static class CustomerStatuses
{
    /// <summary>The status as files, stage rules and answers write it.</summary>
    public static string Name(this CustomerStatus status) => status switch
    {
        CustomerStatus.Lead => "lead",
        CustomerStatus.Customer => "customer",
        _ => "churned",
    };

    /// <summary>A status as written (any case, surrounding spaces ignored).</summary>
    public static bool TryParse(string? text, out CustomerStatus status)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "lead":
                status = CustomerStatus.Lead;
                return true;
            case "customer":
                status = CustomerStatus.Customer;
                return true;
            case "churned":
                status = CustomerStatus.Churned;
                return true;
            default:
                status = default;
                return false;
        }
    }
}

/// <summary>
/// One row per customer: the hand-off between the feature step and everything after it (training, scoring,
/// segmentation). Built from behaviour logs as of a date (mode A), or read from a ready table (mode B).
/// </summary>
public sealed class FeatureTable
{
    public FeatureTable(string[] customerIds, IReadOnlyList<FeatureColumn> columns)
    {
        CustomerIds = customerIds;
        Columns = columns;
        foreach (var column in columns)
        {
            if (column.Length != customerIds.Length)
            {
                throw new ArgumentException($"feature '{column.Name}' has {column.Length} rows, the table {customerIds.Length}");
            }
        }
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"feature '{duplicate.Key}' appears twice");
        }
    }

    public string[] CustomerIds { get; }
    public int RowCount => CustomerIds.Length;
    public IReadOnlyList<FeatureColumn> Columns { get; }

    /// <summary>Account of each row, when known (mode A).</summary>
    public string?[]? AccountIds { get; init; }
    /// <summary>Lifecycle status at the as-of date (<see cref="CustomerStatus"/>), when known (mode A).</summary>
    public CustomerStatus[]? Status { get; init; }
    /// <summary>Labels by name (<see cref="LabelNames"/>); NaN where the label does not apply or is not yet known.</summary>
    public IReadOnlyDictionary<string, float[]> Labels { get; init; } = new Dictionary<string, float[]>();

    /// <summary>The as-of date T (mode A): every feature uses only events strictly before it.</summary>
    public DateTime? AsOf { get; init; }
    public int? HorizonDays { get; init; }

    public FeatureColumn? Find(string name) => Columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public FeatureColumn this[string name] => Find(name) ?? throw new KeyNotFoundException($"no feature '{name}'");

    /// <summary>The values of a numeric feature; throws naming the feature when it is missing or categorical.</summary>
    public float[] Numbers(string name) =>
        this[name] is NumericColumn column ? column.Values : throw new InvalidInputException($"feature '{name}' is not numeric");

    /// <summary>The values of a categorical feature; throws naming the feature when it is missing or numeric.</summary>
    public string?[] Categories(string name) =>
        this[name] is CategoricalColumn column ? column.Values : throw new InvalidInputException($"feature '{name}' is not categorical");

    /// <summary>The values of a numeric feature, or null when there is no such feature or it is categorical.</summary>
    public float[]? NumbersOrNull(string name) => Find(name) is NumericColumn column ? column.Values : null;

    /// <summary>The values of a categorical feature, or null when there is no such feature or it is numeric.</summary>
    public string?[]? CategoriesOrNull(string name) => Find(name) is CategoricalColumn column ? column.Values : null;
}
