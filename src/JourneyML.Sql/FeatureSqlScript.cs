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
    public const string EventsTable = "events", CustomersTable = "customers", OutcomesTable = "outcomes";

    /// <summary>The script for an export's mapping as of <paramref name="asOf"/> with the given horizon: only the mapping is read, the events may live elsewhere.</summary>
    /// <param name="withOutcomes">The export has an outcomes table (registered as <c>outcomes</c>): the timeline rules read its churn and conversion times.</param>
    public static string For(DataMapping mapping, DateTime dataAsOf, DateTime asOf, int horizonDays, string dialectName, bool withOutcomes)
    {
        var d = SqlDialects.Parse(dialectName);
        var columns = mapping.Events.Columns;
        string text = d == SqlDialect.Spark ? "STRING" : "VARCHAR";
        var events = $"SELECT CAST({d.Quote(columns.CustomerId)} AS {text}) AS customer_id, {d.Quote(columns.OccurredAt)} AS occurred_at, " +
            $"CAST({d.Quote(columns.Type)} AS {text}) AS type, {d.Quote(columns.Value)} AS value FROM {EventsTable}";
        var customers = Customers(d, mapping, text, withOutcomes);
        var input = DuckDbFeatureEngine.InputFor(mapping, dataAsOf, asOf, horizonDays, events, customers);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"-- JourneyML feature counters for {SqlDialects.NameOf(d)}: as of {asOf:yyyy-MM-dd}, horizon {horizonDays} days.");
        var c = mapping.Customers.Columns;
        var o = mapping.Outcomes.Columns;
        sb.AppendLine($"-- Tables: {EventsTable} ({columns.CustomerId}, {columns.OccurredAt} as a UTC timestamp, {columns.Type}, {columns.Value}), " +
            $"{CustomersTable} ({c.CustomerId}, {c.SignedUpAt} as a UTC timestamp)" +
            (withOutcomes ? $", {OutcomesTable} ({o.CustomerId}, {o.ChurnedAt} and {o.ConvertedAt} as UTC timestamps)." : "."));
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

    /// <summary>The customers relation the query reads: ids, sign-up times and the outcomes table's times, in microseconds.</summary>
    private static string Customers(SqlDialect d, DataMapping mapping, string text, bool withOutcomes)
    {
        var c = mapping.Customers.Columns;
        var o = mapping.Outcomes.Columns;
        string Id(string table, string column) => $"trim(CAST({table}.{d.Quote(column)} AS {text}))";
        var select = $"SELECT {Id("cu", c.CustomerId)} AS customer_id, {d.EpochMicros($"cu.{d.Quote(c.SignedUpAt)}")} AS signed_up_us, ";
        return withOutcomes
            ? select + $"CASE WHEN o.{d.Quote(o.CustomerId)} IS NULL THEN 0 ELSE 1 END AS outcome_present, " +
                $"{d.EpochMicros($"o.{d.Quote(o.ChurnedAt)}")} AS churned_us, {d.EpochMicros($"o.{d.Quote(o.ConvertedAt)}")} AS converted_us " +
                $"FROM {CustomersTable} cu LEFT JOIN {OutcomesTable} o ON {Id("o", o.CustomerId)} = {Id("cu", c.CustomerId)}"
            : select + $"0 AS outcome_present, CAST(NULL AS BIGINT) AS churned_us, CAST(NULL AS BIGINT) AS converted_us FROM {CustomersTable} cu";
    }
}
