using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Monitoring;

namespace JourneyML.Sql;

/// <summary>
/// <c>features --engine duckdb</c>: the events counted by the feature query (<see cref="FeatureSql"/>) run embedded in
/// DuckDB straight over the export's Parquet files, which DuckDB streams and spills to disk past memory; the customers,
/// outcomes and interventions (one row per customer at most) are read and validated by JourneyML as for the C# engine,
/// and the per-customer formulas are the C# builder's own, so both engines write the same table.
/// </summary>
public sealed class DuckDbFeatureEngine : IFeatureEngine
{
    /// <summary>The first pass's table of per-customer timeline facts (<see cref="FeatureSql.TimelineTable"/>).</summary>
    private const string TimelineTable = "jm_timeline";

    public string Name => "duckdb";

    /// <summary>Where DuckDB spills when a step outgrows memory; default: the system's temporary folder.</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>DuckDB's memory ceiling (for example "4GB"); default: DuckDB's own (80% of the machine's memory).</summary>
    public string? MemoryLimit { get; init; }

    public (FeatureTable Table, FeatureBuildSummary Summary) Build(Dataset dataset, FeatureOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var asOf = UtcTime.RequireUtc(options.AsOf, "the as-of date");
        if (options.HorizonDays <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the horizon must be at least one day");
        }
        if (asOf > dataset.DataAsOf)
        {
            throw new InvalidInputException($"the as-of date {asOf:yyyy-MM-dd} is after the data's as-of date {dataset.DataAsOf:yyyy-MM-dd}: there is no behaviour to see yet");
        }
        var watch = Stopwatch.StartNew();
        using var shown = ProgressReporter.Current.Start(string.Create(CultureInfo.InvariantCulture, $"building features as of {asOf:yyyy-MM-dd} with DuckDB"));
        using var connection = Open(options.MaxDegreeOfParallelism);
        var input = Prepare(connection, dataset, asOf, options.HorizonDays);
        using (cancellationToken.Register(() => connection.CreateCommand().Cancel()))
        {
            ReportInvalidRows(connection, dataset, input);
            dataset.Report.ThrowIfInvalid();
            cancellationToken.ThrowIfCancellationRequested();
            var accumulator = Count(connection, dataset.Customers, input);
            cancellationToken.ThrowIfCancellationRequested();
            shown.SetFraction(1);
            progress?.Report(1);
            var (table, summary) = BehaviourFeatures.FromAccumulated(dataset, accumulator, options);
            return (table, summary with { Elapsed = watch.Elapsed });
        }
    }

    /// <summary>The query's input over this export, for the embedded run or for <c>--emit-sql</c>.</summary>
    internal static FeatureQueryInput InputFor(DataMapping mapping, DateTime dataAsOf, DateTime asOf, int horizonDays, string events, string customers) =>
        new(events, customers, FeatureQueryInput.TypesOf(mapping.Events), mapping.Events.UnmappedTypes == UnmappedTypePolicy.Error,
            FeatureQueryInput.Micros(asOf), FeatureQueryInput.Micros(asOf.AddDays(horizonDays)), FeatureQueryInput.Micros(dataAsOf), mapping.Timelines);

    internal DuckDBConnection Open(int threads)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var spill = SpillDirectory ?? Path.Combine(Path.GetTempPath(), "journeyml-duckdb");
        Directory.CreateDirectory(spill);
        Execute(connection, $"SET threads = {Math.Max(1, threads)}");
        Execute(connection, $"SET temp_directory = {SqlDialect.DuckDb.Text(spill)}");
        // Row order is never relied on (every result is keyed by customer): DuckDB may then stream and spill more freely.
        Execute(connection, "SET preserve_insertion_order = false");
        // Times are UTC throughout; nothing may read them in the machine's zone.
        Execute(connection, "SET TimeZone = 'UTC'");
        if (MemoryLimit is not null)
        {
            Execute(connection, $"SET memory_limit = {SqlDialect.DuckDb.Text(MemoryLimit)}");
        }
        return connection;
    }

    /// <summary>Loads the customers known, and names the events view over the Parquet files with the mapping's columns.</summary>
    private static FeatureQueryInput Prepare(DuckDBConnection connection, Dataset dataset, DateTime asOf, int horizonDays)
    {
        var files = dataset.Events.Files;
        if (files.FirstOrDefault(f => !f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) is { } text)
        {
            throw new DataFileException(Path.GetFileName(text),
                "the duckdb engine reads events from Parquet only (CSV in any encoding, Shift_JIS included, is the C# engine's: run without --engine duckdb, " +
                "or convert the events to Parquet first)");
        }
        LoadCustomers(connection, dataset);
        var list = "[" + string.Join(", ", files.Select(f => SqlDialect.DuckDb.Text(Path.GetFullPath(f)))) + "]";
        var source = $"read_parquet({list}, union_by_name = true, filename = true, file_row_number = true)";
        var columns = dataset.Mapping.Events.Columns;
        var types = ColumnTypes(connection, source);
        string Column(string name, string role)
        {
            var found = types.Keys.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new DataFileException(Path.GetFileName(files[0]), $"no '{name}' column ({role})", name);
            return SqlDialect.DuckDb.Quote(found);
        }
        var time = Column(columns.OccurredAt, "when the event happened (UTC)");
        var timeType = types[time.Trim('"').Replace("\"\"", "\"", StringComparison.Ordinal)];
        if (!timeType.StartsWith("TIMESTAMP", StringComparison.OrdinalIgnoreCase) && !timeType.Equals("DATE", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFileException(Path.GetFileName(files[0]),
                $"the duckdb engine needs '{columns.OccurredAt}' stored as a Parquet timestamp, not {timeType} (the C# engine parses text times)", columns.OccurredAt);
        }
        bool hasValue = types.Keys.Any(k => k.Equals(columns.Value, StringComparison.OrdinalIgnoreCase));
        Execute(connection, $"""
            CREATE VIEW jm_events AS SELECT
              CAST({Column(columns.CustomerId, "the customer's id")} AS VARCHAR) AS customer_id,
              {(timeType.Equals("DATE", StringComparison.OrdinalIgnoreCase) ? $"CAST({time} AS TIMESTAMP)" : time)} AS occurred_at,
              CAST({Column(columns.Type, "the event type")} AS VARCHAR) AS type,
              {(hasValue ? $"TRY_CAST({Column(columns.Value, "the event's value")} AS DOUBLE)" : "CAST(NULL AS DOUBLE)")} AS value,
              filename AS jm_file, file_row_number AS jm_row
            FROM {source}
            """);
        return InputFor(dataset.Mapping, dataset.DataAsOf, asOf, horizonDays, "SELECT * FROM jm_events", "SELECT * FROM jm_customers");
    }

    /// <summary>The customers as JourneyML read and validated them, with the sign-up and outcome times the timeline rules need.</summary>
    private static void LoadCustomers(DuckDBConnection connection, Dataset dataset)
    {
        Execute(connection, "CREATE TABLE jm_customers (customer_id VARCHAR, signed_up_us BIGINT, outcome_present INTEGER, churned_us BIGINT, converted_us BIGINT)");
        using var appender = connection.CreateAppender("jm_customers");
        var outcomes = dataset.Outcomes;
        for (int c = 0; c < dataset.Customers.Count; c++)
        {
            bool present = outcomes is not null && outcomes.Present[c];
            var row = appender.CreateRow().AppendValue(dataset.Customers[c].CustomerId)
                .AppendValue(FeatureQueryInput.Micros(dataset.Customers[c].SignedUpAt)).AppendValue(present ? 1 : 0);
            row = present && outcomes!.ChurnedAt[c] is { } churned ? row.AppendValue(FeatureQueryInput.Micros(churned)) : row.AppendNullValue();
            row = present && outcomes!.ConvertedAt[c] is { } converted ? row.AppendValue(FeatureQueryInput.Micros(converted)) : row.AppendNullValue();
            row.EndRow();
        }
    }

    private static Dictionary<string, string> ColumnTypes(DuckDBConnection connection, string source)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM {source}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            types[reader.GetString(0)] = reader.GetString(1);
        }
        return types;
    }

    /// <summary>Every invalid event row into the report, with its file and row, as the C# reader reports them (strict runs then fail).</summary>
    private static void ReportInvalidRows(DuckDBConnection connection, Dataset dataset, FeatureQueryInput input)
    {
        var columns = dataset.Mapping.Events.Columns;
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TEMP TABLE {TimelineTable} AS {FeatureSql.TimelineTable(SqlDialect.DuckDb, input)}";
        command.ExecuteNonQuery();
        bool rejectBefore = dataset.Mapping.Timelines.EventsBeforeSignup == TimelineRule.Reject;
        bool rejectAfter = dataset.Mapping.Timelines.ActivityAfterChurn == TimelineRule.Reject;
        command.CommandText = $"SELECT CAST(COALESCE(SUM(invalid_rows), 0) AS BIGINT), CAST(COALESCE(SUM(before_signup_rows), 0) AS BIGINT), COUNT(usage_until) FROM {TimelineTable}";
        long invalid;
        using (var counts = command.ExecuteReader())
        {
            counts.Read();
            invalid = counts.GetInt64(0) + (rejectBefore ? counts.GetInt64(1) : 0) + (rejectAfter ? counts.GetInt64(2) : 0);
        }
        if (invalid == 0)
        {
            // Every row valid (the usual case): no second pass to list none.
            ReportRowsRead(command, dataset);
            return;
        }
        command.CommandText = FeatureSql.InvalidRows(SqlDialect.DuckDb, input, TimelineTable);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var file = Path.GetFileName(reader.GetString(0));
            var reason = reader.GetString(2);
            var column = reason is TimelineCheck.BeforeSignupReason or TimelineCheck.AfterChurnReason ? columns.OccurredAt
                : reason.Contains("customer", StringComparison.Ordinal) ? columns.CustomerId
                : reason.Contains("time", StringComparison.Ordinal) || reason.Contains("as-of", StringComparison.Ordinal) ? columns.OccurredAt
                : reason.Contains("type", StringComparison.Ordinal) ? columns.Type
                : columns.Value;
            dataset.Report.Add(new DataProblem(file, reader.GetInt64(1) + 1, column, reason), reason);
        }
        reader.Close();
        ReportRowsRead(command, dataset);
    }

    /// <summary>Rows per file from the Parquet footers: no pass over the events.</summary>
    private static void ReportRowsRead(DbCommand command, Dataset dataset)
    {
        command.CommandText = $"SELECT file_name, CAST(SUM(num_rows) AS BIGINT) FROM parquet_file_metadata({EventFiles(dataset)}) GROUP BY file_name";
        using var rows = command.ExecuteReader();
        while (rows.Read())
        {
            dataset.Report.AddRowsRead(Path.GetFileName(rows.GetString(0)), rows.GetInt64(1));
        }
    }

    private static string EventFiles(Dataset dataset) =>
        "[" + string.Join(", ", dataset.Events.Files.Select(f => SqlDialect.DuckDb.Text(Path.GetFullPath(f)))) + "]";

    /// <summary>Runs the counters query and fills the C# builder's counters with its rows.</summary>
    private static EventAccumulator Count(DuckDBConnection connection, CustomerTable customers, FeatureQueryInput input)
    {
        using var command = connection.CreateCommand();
        command.CommandText = FeatureSql.Counters(SqlDialect.DuckDb, input, TimelineTable);
        using var reader = command.ExecuteReader();
        return Fill(reader, customers, "the feature query", input);
    }

    /// <summary>The C# builder's counters from rows of the counters query (run here, or elsewhere and brought back), checked to be for this as-of date and horizon.</summary>
    internal static EventAccumulator Fill(DbDataReader reader, CustomerTable customers, string source, FeatureQueryInput input)
    {
        var accumulator = new EventAccumulator(customers.Count);
        var totals = new Totals();
        var at = new Ordinals(reader);
        while (reader.Read())
        {
            long asOf = reader.GetInt64(at[FeatureSql.Columns.AsOf]), horizonEnd = reader.GetInt64(at[FeatureSql.Columns.HorizonEnd]);
            if (asOf != input.AsOfMicros || horizonEnd != input.HorizonEndMicros)
            {
                var inv = CultureInfo.InvariantCulture;
                throw new DataFileException(source,
                    string.Create(inv, $"counted as of {FeatureQueryInput.FromMicros(asOf):yyyy-MM-dd} to {FeatureQueryInput.FromMicros(horizonEnd):yyyy-MM-dd}, ") +
                    string.Create(inv, $"this run is as of {FeatureQueryInput.FromMicros(input.AsOfMicros):yyyy-MM-dd} to {FeatureQueryInput.FromMicros(input.HorizonEndMicros):yyyy-MM-dd}: ") +
                    "run the SQL of 'journeyml features --emit-sql' with this run's --as-of and --horizon");
            }
            var id = reader.GetString(at.CustomerId);
            if (!customers.TryGetIndex(id, out int c))
            {
                throw new DataFileException(source, $"counters for customer '{id}', who is not in this export's customers table: counted from another export?",
                    FeatureSql.Columns.CustomerId);
            }
            CounterRow.Fill(accumulator, c, reader, at, totals);
        }
        accumulator.SetTotals(totals.Before, totals.After, totals.First, totals.AnyUsage, totals.AnySeverity, totals.AnyContent);
        return accumulator;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The export-wide tallies, summed over the customers' rows.</summary>
    internal sealed class Totals
    {
        public long Before, After, First = long.MaxValue;
        public bool AnyUsage, AnySeverity;
        public int AnyContent;
    }

    /// <summary>The counters' column positions, looked up once.</summary>
    internal sealed class Ordinals(DbDataReader reader)
    {
        public int CustomerId { get; } = reader.GetOrdinal(FeatureSql.Columns.CustomerId);
        public int this[string column] => _byName.TryGetValue(column, out int i) ? i : _byName[column] = reader.GetOrdinal(column);
        private readonly Dictionary<string, int> _byName = [];
    }
}
