namespace JourneyML.SampleData;

/// <summary>The file format of a generated table.</summary>
public enum TableFormat
{
    Csv,
    Parquet,
}

/// <summary>How the generated export names its columns and values.</summary>
public enum ExportDialect
{
    /// <summary>JourneyML's own column names and snake_case event types.</summary>
    Canonical,

    /// <summary>A HubSpot-like CRM export; journeyml.json then carries the mapping back to canonical names.</summary>
    Crm,
}

/// <summary>The business the generator simulates.</summary>
public enum GeneratorWorld
{
    /// <summary>A B2B SaaS funnel: accounts of several contacts, leads, MQL/SQL, opportunities, annual contracts (the committed sample).</summary>
    B2bSaas,

    /// <summary>A product-led B2C subscription: one contact per customer, trial to paid, monthly and annual renewals, cancellations, reactivations; no lead funnel.</summary>
    Subscription,

    /// <summary>A small B2B export (about 300 contacts in about 130 accounts): seats, industry, a short lead funnel, a high churn rate.</summary>
    Small,

    /// <summary>A product-led business: free workspaces of several users, 14-day trials, activation events, upgrade to paid without a sales funnel; churn is the downgrade back to free.</summary>
    ProductLed,

    /// <summary>Repeat-purchase retail: one person per customer, no account, no subscription; churn is a lapse in purchasing (90 days without an order).</summary>
    Retail,
}

/// <summary>The worlds' names on the command line and in ground_truth.json, and their default sizes.</summary>
public static class GeneratorWorlds
{
    /// <summary>Customers a world has when the caller does not say: modest sizes that train in seconds on two cores.</summary>
    public static int DefaultCustomers(GeneratorWorld world) => world switch
    {
        GeneratorWorld.Subscription => 3000,
        GeneratorWorld.Small => 300,
        _ => 2000,
    };

    /// <summary>The world's name on the command line and in ground_truth.json.</summary>
    public static string NameOf(GeneratorWorld world) => world switch
    {
        GeneratorWorld.Subscription => "subscription",
        GeneratorWorld.Small => "small",
        GeneratorWorld.ProductLed => "product-led",
        GeneratorWorld.Retail => "retail",
        _ => "b2b-saas",
    };

    public static GeneratorWorld Parse(string name) =>
        Enum.GetValues<GeneratorWorld>().FirstOrDefault(w => NameOf(w).Equals(name, StringComparison.OrdinalIgnoreCase), (GeneratorWorld)(-1)) is var world && world >= 0
            ? world
            : throw new ArgumentException($"unknown world '{name}': use {string.Join(", ", Enum.GetValues<GeneratorWorld>().Select(NameOf))}");

}

/// <summary>What the sample-data generator simulates and how it writes it.</summary>
public sealed record GeneratorOptions
{
    /// <summary>Number of customer rows (contacts).</summary>
    public int Customers { get; init; } = 2000;

    public int Seed { get; init; } = 42;

    public GeneratorWorld World { get; init; } = GeneratorWorld.B2bSaas;

    /// <summary>Format of customers, outcomes and ground truth.</summary>
    public TableFormat Format { get; init; } = TableFormat.Csv;

    /// <summary>Format of the events table; null means the same as <see cref="Format"/>.</summary>
    public TableFormat? EventsFormat { get; init; }

    public ExportDialect Dialect { get; init; } = ExportDialect.Canonical;

    /// <summary>First instant of the export: no event before it (earlier history is only in the customer and outcome tables).</summary>
    public DateTime DataStart { get; init; } = new(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>End of the export; no event at or after it.</summary>
    public DateTime DataAsOf { get; init; } = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The as-of date the ground truth refers to.</summary>
    public DateTime ReferenceAsOf { get; init; } = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    public int HorizonDays { get; init; } = 90;

    /// <summary>
    /// Plant interventions (CS calls aimed at the riskiest, randomised discount and email campaigns with control arms) whose
    /// effect the outcomes show, and write interventions and their truth. Off by default: every world's output is then
    /// exactly what it was before the option existed.
    /// </summary>
    public bool Interventions { get; init; }

    /// <summary>Rows per Parquet row group of the events table.</summary>
    public int RowGroupSize { get; init; } = 1_000_000;
}

/// <summary>What one generator run wrote.</summary>
public sealed record GenerationSummary(
    string OutputDirectory,
    int Customers,
    int Accounts,
    long Events,
    IReadOnlyDictionary<string, int> CustomersPerSegment,
    double ChurnRate,
    double ConversionRate,
    TimeSpan Elapsed,
    IReadOnlyList<string> Files);
