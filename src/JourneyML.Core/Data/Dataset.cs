namespace JourneyML.Core.Data;

/// <summary>
/// A user's behaviour export (mode A): customers, events and optional outcomes, opened through the mapping.
/// Customers and outcomes are read and validated on open; events are streamed (and validated) by whoever
/// reads them, a partition at a time, so a 100-million-row export never sits in memory.
/// </summary>
public sealed class Dataset
{
    private Dataset(DataMapping mapping, CustomerTable customers, EventSource events, OutcomeTable? outcomes,
        DateTime dataAsOf, ValidationReport report, IReadOnlyList<string> customerFiles, IReadOnlyList<string> outcomeFiles)
    {
        Mapping = mapping;
        Customers = customers;
        Events = events;
        Outcomes = outcomes;
        DataAsOf = dataAsOf;
        Report = report;
        CustomerFiles = customerFiles;
        OutcomeFiles = outcomeFiles;
    }

    public DataMapping Mapping { get; }
    public CustomerTable Customers { get; }
    public EventSource Events { get; }
    /// <summary>Null when the export has no outcomes table: outcomes then come from purchase and cancellation events.</summary>
    public OutcomeTable? Outcomes { get; }
    /// <summary>When the export was taken: no event may be at or after it, and labels are complete only up to it.</summary>
    public DateTime DataAsOf { get; }
    public ValidationReport Report { get; }
    public IReadOnlyList<string> CustomerFiles { get; }
    public IReadOnlyList<string> OutcomeFiles { get; }

    /// <summary>Opens a data folder (with its journeyml.json if any, or the given mapping file) and reads customers and outcomes.</summary>
    /// <param name="dataAsOf">Overrides the mapping's dataAsOf; when neither is set, now (UTC).</param>
    public static Dataset Open(string dataDirectory, ValidationReport report, string? mappingFile = null, DateTime? dataAsOf = null)
    {
        var mapping = DataMapping.ForDirectory(dataDirectory, mappingFile);
        return Open(mapping, report, dataAsOf);
    }

    public static Dataset Open(DataMapping mapping, ValidationReport report, DateTime? dataAsOf = null)
    {
        var asOf = dataAsOf ?? mapping.DataAsOf ?? DateTime.UtcNow;
        var customerFiles = TableReader.ResolveFiles(FindTable(mapping, mapping.Customers.Path, "customers", required: true)!);
        var customers = CustomerReader.Read(customerFiles, mapping, asOf, report);
        var outcomePath = FindTable(mapping, mapping.Outcomes.Path, "outcomes", required: false);
        var outcomeFiles = outcomePath is null ? [] : TableReader.ResolveFiles(outcomePath);
        var outcomes = outcomePath is null ? null : OutcomeReader.Read(outcomeFiles, mapping, customers, asOf, report);
        var eventFiles = TableReader.ResolveFiles(FindTable(mapping, mapping.Events.Path, "events", required: true)!);
        var events = new EventSource(eventFiles, mapping, customers, asOf, report);
        return new Dataset(mapping, customers, events, outcomes, asOf, report, customerFiles, outcomeFiles);
    }

    private static string? FindTable(DataMapping mapping, string? configured, string table, bool required)
    {
        if (configured is not null)
        {
            var path = mapping.Resolve(configured);
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new DataFileException(configured, $"the {table} table named in the mapping was not found ({path})");
            }
            return path;
        }
        foreach (var candidate in new[] { $"{table}.parquet", $"{table}.csv", table })
        {
            var path = mapping.Resolve(candidate);
            if (File.Exists(path) || Directory.Exists(path))
            {
                return path;
            }
        }
        if (!required)
        {
            return null;
        }
        throw new DataFileException(table,
            $"no {table} table in {mapping.BaseDirectory}: expected {table}.csv, {table}.parquet or a {table}/ folder, or set '{table}.path' in journeyml.json");
    }
}
