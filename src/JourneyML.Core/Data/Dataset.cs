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
    /// <summary>
    /// Said when the mapping gave no dataAsOf and none was passed, so the as-of date is now: an export taken weeks ago
    /// then makes everyone look inactive since (Dormant, high churn risk). Null when the date was given.
    /// </summary>
    public string? AsOfAssumed { get; init; }
    public ValidationReport Report { get; }
    public IReadOnlyList<string> CustomerFiles { get; }
    public IReadOnlyList<string> OutcomeFiles { get; }

    /// <summary>Null when the export has no interventions table: then no intervention feature, effect or uplift exists anywhere.</summary>
    public InterventionTable? Interventions { get; init; }
    public IReadOnlyList<string> InterventionFiles { get; init; } = [];

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
        report.MaxInvalidShare = mapping.MaxInvalidShare ?? report.MaxInvalidShare;
        if (mapping.DataStart is { } start && start >= asOf)
        {
            throw new DataFileException(DataMapping.DefaultFileName,
                $"dataStart {start:yyyy-MM-ddTHH:mm:ssZ} is not before the data's as-of date {asOf:yyyy-MM-ddTHH:mm:ssZ}", "dataStart");
        }
        var customerFiles = TableReader.ResolveFiles(FindTable(mapping, mapping.Customers.Path, "customers", required: true)!);
        CustomerTable customers;
        using (Monitoring.ProgressReporter.Current.Start("reading customers"))
        {
            customers = CustomerReader.Read(customerFiles, mapping, asOf, report);
        }
        var outcomePath = FindTable(mapping, mapping.Outcomes.Path, "outcomes", required: false);
        var outcomeFiles = outcomePath is null ? [] : TableReader.ResolveFiles(outcomePath);
        var outcomes = outcomePath is null ? null : OutcomeReader.Read(outcomeFiles, mapping, customers, asOf, report);
        var eventFiles = TableReader.ResolveFiles(FindTable(mapping, mapping.Events.Path, "events", required: true)!);
        var events = new EventSource(eventFiles, mapping, customers, asOf, report, outcomes);
        var interventionPath = FindTable(mapping, mapping.Interventions.Path, "interventions", required: false);
        var interventionFiles = interventionPath is null ? [] : TableReader.ResolveFiles(interventionPath);
        return new Dataset(mapping, customers, events, outcomes, asOf, report, customerFiles, outcomeFiles)
        {
            Interventions = interventionPath is null ? null : InterventionReader.Read(interventionFiles, mapping, customers, asOf, report),
            InterventionFiles = interventionFiles,
            AsOfAssumed = dataAsOf is null && mapping.DataAsOf is null
                ? $"WARNING: no dataAsOf in {DataMapping.DefaultFileName}: the data's as-of date is taken as now ({asOf:yyyy-MM-ddTHH:mm}Z). "
                    + "If the export was taken earlier, everyone looks inactive since then (Dormant, high churn risk): set dataAsOf to when it was taken."
                : null,
        };
    }

    /// <summary>
    /// A dataset held in memory: customers given as records and their events (a live prediction's profile and recent
    /// events). Every event is checked as a file's rows are; a problem names the event by its position
    /// (<c>events</c>, row i + 1) and the field. Unknown event types are errors here, not 'other': a typo would
    /// otherwise change a prediction silently.
    /// </summary>
    /// <param name="outcomes">Known purchase (customer since) and churn dates per customer, in the order of <paramref name="customers"/>; null entries are unknown.</param>
    public static Dataset FromRecords(IReadOnlyList<Customer> customers, IReadOnlyList<CustomerEvent> events, DateTime dataAsOf, ValidationReport report,
        IReadOnlyList<Outcome?>? outcomes = null, DateTime? dataStart = null)
    {
        var table = new CustomerTable(customers);
        OutcomeTable? outcomeTable = null;
        if (outcomes is not null && outcomes.Any(o => o is not null))
        {
            outcomeTable = new OutcomeTable(customers.Count);
            for (int c = 0; c < customers.Count && c < outcomes.Count; c++)
            {
                if (outcomes[c] is { } o)
                {
                    outcomeTable.Present[c] = true;
                    outcomeTable.ConvertedAt[c] = o.ConvertedAt;
                    outcomeTable.ChurnedAt[c] = o.ChurnedAt;
                }
            }
        }
        var batch = new EventBatch(Math.Max(1, events.Count));
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            long row = i + 1;
            if (string.IsNullOrWhiteSpace(e.CustomerId) || !table.TryGetIndex(e.CustomerId, out int customer))
            {
                report.Add(new DataProblem(EventsName, row, "customerId", "unknown customer (not among the customers given)"));
                continue;
            }
            if (e.OccurredAt.Kind == DateTimeKind.Local)
            {
                report.Add(new DataProblem(EventsName, row, "occurredAt", "time must be UTC"));
                continue;
            }
            if (e.OccurredAt >= dataAsOf)
            {
                report.Add(new DataProblem(EventsName, row, "occurredAt", $"event at or after the as-of date {dataAsOf:yyyy-MM-ddTHH:mm:ssZ}"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(e.Type) || !EventKinds.TryParseCanonical(e.Type.Trim(), out var kind))
            {
                report.Add(new DataProblem(EventsName, row, "type", $"unknown event type '{Trim(e.Type)}' (expected a JourneyML event type such as login, ticket_opened, pricing_page_view)"));
                continue;
            }
            if (e.Value is { } v && (double.IsNaN(v) || double.IsInfinity(v) || v < 0))
            {
                report.Add(new DataProblem(EventsName, row, "value", "value must be a finite number, never negative"));
                continue;
            }
            batch.Add(customer, e.OccurredAt.Ticks, kind, e.Value is { } value ? (float)value : float.NaN, string.IsNullOrWhiteSpace(e.Channel) ? null : e.Channel);
        }
        report.AddRowsRead(EventsName, events.Count);
        var mapping = new DataMapping { BaseDirectory = Path.GetTempPath(), DataStart = dataStart };
        var source = new EventSource(batch, mapping, table, dataAsOf, report);
        return new Dataset(mapping, table, source, outcomeTable, dataAsOf, report, [], []);
    }

    /// <summary>How problems in in-memory events are named (<see cref="FromRecords"/>).</summary>
    public const string EventsName = "events";

    private static string Trim(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..37] + "...";

    private static string? FindTable(DataMapping mapping, string? configured, string table, bool required)
    {
        if (configured is not null)
        {
            var path = mapping.ResolveInside(configured, table + ".path");
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
