using System.Globalization;
using JourneyML.Core.Errors;
using JourneyML.Core.Features;

namespace JourneyML.Core.Prediction;

/// <summary>
/// Every feature column holds one value (or none) on the customers a model would learn from: nothing tells one customer
/// from another, so no model can be trained, and without this check ML.NET stops on a zero-width feature vector with a bare
/// "Schema mismatch ... VarVector". The message names the table (once the run knows it), the customers, and the columns.
/// </summary>
public sealed class ConstantFeaturesException(string? table, string customers, IReadOnlyList<string> columns)
    : InvalidInputException(Describe(table, customers, columns))
{
    /// <summary>The table in words (for example "the feature table 'features.csv'"), or null when the caller did not know it.</summary>
    public string? Table { get; } = table;

    /// <summary>Which customers the columns are constant on, in words ("the 158 training customers of the churn model").</summary>
    public string Customers { get; } = customers;

    /// <summary>The columns that could have been features, each constant on those customers.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;

    /// <summary>At most this many columns are listed by name; the rest are counted.</summary>
    public const int ListedColumns = 10;

    /// <summary>The same error with the table named: the pipeline knows which table it read, the trainer does not.</summary>
    public ConstantFeaturesException Naming(string table) => new(table, Customers, Columns);

    private static string Describe(string? table, string customers, IReadOnlyList<string> columns)
    {
        var listed = string.Join(", ", columns.Take(ListedColumns));
        var more = columns.Count > ListedColumns ? string.Create(CultureInfo.InvariantCulture, $" and {columns.Count - ListedColumns:N0} more") : "";
        var subject = table is null ? "every feature column" : $"{table}: every feature column";
        var list = columns.Count == 0 ? "it has no feature column at all" : string.Create(CultureInfo.InvariantCulture, $"{columns.Count:N0} columns: {listed}{more}");
        return $"{subject} is constant on {customers} ({list}): nothing tells them apart, so no model can learn from it; " +
            "give columns whose values differ between customers";
    }
}

/// <summary>Finds feature columns that hold a single value (or none) on a set of rows.</summary>
public static class ConstantFeatures
{
    /// <summary>True when the column holds at most one distinct value on the rows (missing counts as a value only beside a present one, as the vectorizer's missing indicator does).</summary>
    public static bool IsConstant(FeatureColumn column, IReadOnlyList<int> rows) => column switch
    {
        // float.Equals holds NaN equal to NaN, so all-missing is one value.
        NumericColumn numeric => rows.Select(r => numeric.Values[r]).Distinct().Take(2).Count() <= 1,
        CategoricalColumn categorical => rows.Select(r => categorical.Values[r] ?? "").Distinct(StringComparer.Ordinal).Take(2).Count() <= 1,
        _ => false,
    };

    /// <summary>
    /// Throws <see cref="ConstantFeaturesException"/> naming <paramref name="table"/> when every column of it is constant over
    /// all its customers: checked before segments and models, so the error names the table rather than the step that failed.
    /// </summary>
    public static void ThrowIfAllConstant(FeatureTable table, string tableName)
    {
        var all = Enumerable.Range(0, table.RowCount).ToArray();
        if (table.Columns.All(c => IsConstant(c, all)))
        {
            throw new ConstantFeaturesException(tableName, string.Create(CultureInfo.InvariantCulture, $"all {table.RowCount:N0} of its customers"),
                [.. table.Columns.Select(c => c.Name)]);
        }
    }
}
