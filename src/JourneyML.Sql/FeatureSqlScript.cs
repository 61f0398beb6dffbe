using System.Globalization;
using System.Text;
using JourneyML.Core.Data;

namespace JourneyML.Sql;

/// <summary>
/// <c>journeyml features --emit-sql DIALECT</c>: the feature query for an engine past one machine (Spark SQL, Trino) or
/// DuckDB's own shell, over two tables the user registers: <c>events</c> and <c>customers</c>, with the export's own
/// column names (the mapping's). Two statements: the invalid rows by reason (must return nothing, or the counters would
/// leave those rows out unseen), then the counters, whose result comes back with <c>journeyml features --counters FILE</c>.
/// </summary>
public static class FeatureSqlScript
{
    public const string EventsTable = "events", CustomersTable = "customers";

    /// <summary>The script for an export's mapping as of <paramref name="asOf"/> with the given horizon: only the mapping is read, the events may live elsewhere.</summary>
    public static string For(DataMapping mapping, DateTime dataAsOf, DateTime asOf, int horizonDays, string dialectName)
    {
        var d = SqlDialects.Parse(dialectName);
        var columns = mapping.Events.Columns;
        string text = d == SqlDialect.Spark ? "STRING" : "VARCHAR";
        var events = $"SELECT CAST({d.Quote(columns.CustomerId)} AS {text}) AS customer_id, {d.Quote(columns.OccurredAt)} AS occurred_at, " +
            $"CAST({d.Quote(columns.Type)} AS {text}) AS type, {d.Quote(columns.Value)} AS value FROM {EventsTable}";
        var customers = $"SELECT trim(CAST({d.Quote(mapping.Customers.Columns.CustomerId)} AS {text})) AS customer_id FROM {CustomersTable}";
        var input = DuckDbFeatureEngine.InputFor(mapping, dataAsOf, asOf, horizonDays, events, customers);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"-- JourneyML feature counters for {SqlDialects.NameOf(d)}: as of {asOf:yyyy-MM-dd}, horizon {horizonDays} days.");
        sb.AppendLine($"-- Tables: {EventsTable} ({columns.CustomerId}, {columns.OccurredAt} as a UTC timestamp, {columns.Type}, {columns.Value}) and {CustomersTable} ({mapping.Customers.Columns.CustomerId}).");
        sb.AppendLine("-- 1. Invalid event rows by reason: must return no row (fix the export, or those rows are left out of every feature).");
        sb.AppendLine(FeatureSql.InvalidReasons(d, input) + ";");
        sb.AppendLine();
        sb.AppendLine("-- 2. The counters, one row per customer with events: save the result as Parquet and run");
        sb.AppendLine("--    journeyml features --data EXPORT --counters RESULT.parquet --as-of " + asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) +
            " --horizon " + horizonDays.ToString(CultureInfo.InvariantCulture) + " --out features.parquet");
        sb.Append(FeatureSql.Counters(d, input).TrimEnd());
        sb.AppendLine(";");
        return sb.ToString();
    }
}
