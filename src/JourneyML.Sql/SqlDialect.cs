namespace JourneyML.Sql;

/// <summary>The SQL engines the feature query is written for: DuckDB runs it embedded; Spark SQL and Trino run it when the events outgrow one machine.</summary>
public enum SqlDialect
{
    DuckDb,
    Spark,
    Trino,
}

/// <summary>
/// The few expressions the engines spell differently; the rest of the query is the portable subset (CASE, COALESCE,
/// SUM/MIN/MAX/COUNT(DISTINCT), LAG over a window, VALUES, joins, CTEs).
/// </summary>
internal static class SqlDialects
{
    public static SqlDialect Parse(string name) => name.ToLowerInvariant() switch
    {
        "duckdb" => SqlDialect.DuckDb,
        "spark" or "spark-sql" or "sparksql" => SqlDialect.Spark,
        "trino" or "presto" => SqlDialect.Trino,
        _ => throw new InvalidInputException($"unknown SQL dialect '{name}': use duckdb, spark or trino"),
    };

    public static string NameOf(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Spark => "spark",
        SqlDialect.Trino => "trino",
        _ => "duckdb",
    };

    /// <summary>Microseconds since 1970-01-01 UTC of a timestamp: the query's one unit of time.</summary>
    public static string EpochMicros(this SqlDialect d, string timestamp) => d switch
    {
        SqlDialect.Spark => $"unix_micros({timestamp})",
        // Trino has no microsecond epoch; to_unixtime's double holds today's microseconds exactly (under 2^53), rounding restores them.
        SqlDialect.Trino => $"CAST(round(to_unixtime({timestamp}) * 1000000) AS BIGINT)",
        _ => $"epoch_us({timestamp})",
    };

    /// <summary>Integer division of non-negative whole numbers.</summary>
    public static string IntegerDivide(this SqlDialect d, string a, string b) => d switch
    {
        SqlDialect.Spark => $"(({a}) div {b})",
        SqlDialect.Trino => $"(({a}) / {b})",
        _ => $"(({a}) // {b})",
    };

    /// <summary>Rounding half to even of a non-negative number, as .NET's Math.Round (the C# builder's thousandths).</summary>
    public static string RoundHalfEven(this SqlDialect d, string x) => d switch
    {
        SqlDialect.Spark => $"bround({x}, 0)",
        SqlDialect.Trino => $"(CASE WHEN ({x}) - floor({x}) = 0.5 THEN 2 * round(({x}) / 2) ELSE round({x}) END)",
        _ => $"round_even({x}, 0)",
    };

    public static string IsNaN(this SqlDialect d, string x) => d == SqlDialect.Trino ? $"is_nan({x})" : $"isnan({x})";

    /// <summary>The 32-bit float type: values are kept as floats, as the C# builder keeps them.</summary>
    public static string Float32(this SqlDialect d) => d == SqlDialect.Spark ? "FLOAT" : "REAL";

    /// <summary>A column or table name quoted.</summary>
    public static string Quote(this SqlDialect d, string name) => d == SqlDialect.Spark
        ? "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`"
        : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A text literal.</summary>
    public static string Text(this SqlDialect d, string value) => d == SqlDialect.Spark
        ? "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'"
        : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
