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

/// <summary>What the sample-data generator simulates and how it writes it.</summary>
public sealed record GeneratorOptions
{
    /// <summary>Number of customer rows (contacts).</summary>
    public int Customers { get; init; } = 2000;

    public int Seed { get; init; } = 42;

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
