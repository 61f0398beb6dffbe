using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;

namespace JourneyML.Core.Scoring;

/// <summary>One change of a what-if: a feature set to a value, or to another feature's value ("logins back to last month's level").</summary>
public sealed record FeatureChange(string Feature, JsonElement? Value = null, string? SameAs = null);

/// <summary>
/// What-if: a customer's feature row with some values changed, the trends that depend on them recomputed the way the
/// feature step computes them, so "logins back to last month's level" also moves the login trend.
/// </summary>
public static class WhatIf
{
    public const string ChangesName = "changes";

    // Trends the feature step derives from two counts: changing a count recomputes its trend (when it is known).
    private static readonly (string Trend, string Recent, string Previous)[] Trends =
    [
        (FeatureNames.LoginTrend, FeatureNames.Logins30d, FeatureNames.LoginsPrev30d),
        (FeatureNames.TicketTrend, FeatureNames.Tickets30d, FeatureNames.TicketsPrev30d),
    ];

    /// <summary>A copy of row <paramref name="row"/> of the table (a one-row table) with the changes applied.</summary>
    public static FeatureTable Apply(FeatureTable table, int row, IReadOnlyList<FeatureChange> changes, ValidationReport report)
    {
        var copy = RowCopy.Of(table, row);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < changes.Count; i++)
        {
            ApplyChange(table, row, copy, changes[i], line: i + 1, changed, report);
        }
        RecomputeTrends(copy, changed);
        return copy.ToTable(table, row);
    }

    /// <summary>The row's values, a one-row column per feature.</summary>
    private sealed record RowCopy(Dictionary<string, FeatureColumn> Columns)
    {
        public static RowCopy Of(FeatureTable table, int row) => new(
            table.Columns.ToDictionary(c => c.Name, c => c.Rows([row]), StringComparer.Ordinal));

        public FeatureTable ToTable(FeatureTable table, int row)
        {
            var columns = table.Columns.Select(c => Columns[c.Name]).ToList();
            return new FeatureTable([table.CustomerIds[row]], columns)
            {
                AccountIds = table.AccountIds is { } a ? [a[row]] : null,
                Status = table.Status is { } s ? [s[row]] : null,
                AsOf = table.AsOf,
            };
        }
    }

    /// <summary>One change, checked (a known feature, changed once, a value or sameAs) and applied; what is wrong with it is reported.</summary>
    private static void ApplyChange(FeatureTable table, int row, RowCopy copy, FeatureChange change, long line, HashSet<string> changed, ValidationReport report)
    {
        if (string.IsNullOrWhiteSpace(change.Feature) || !copy.Columns.ContainsKey(change.Feature))
        {
            report.Add(new DataProblem(ChangesName, line, "feature", "not a feature of the serving model"));
            return;
        }
        if (!changed.Add(change.Feature))
        {
            report.Add(new DataProblem(ChangesName, line, "feature", "this feature is changed twice"));
            return;
        }
        if ((change.Value is null) == (change.SameAs is null))
        {
            report.Add(new DataProblem(ChangesName, line, "value", "give either a value or sameAs (another feature whose value to take)"));
            return;
        }
        if (change.SameAs is { } source)
        {
            CopyFrom(table, row, copy, change.Feature, source, line, report);
        }
        else
        {
            SetValue(copy, change.Feature, change.Value!.Value, line, report);
        }
    }

    /// <summary>sameAs: the feature takes another feature's value, which must be of the same kind.</summary>
    private static void CopyFrom(FeatureTable table, int row, RowCopy copy, string feature, string source, long line, ValidationReport report)
    {
        if (!copy.Columns.ContainsKey(source))
        {
            report.Add(new DataProblem(ChangesName, line, "sameAs", "not a feature of the serving model"));
        }
        else if ((copy.Columns[feature], table[source]) is (NumericColumn target, NumericColumn from))
        {
            target.Values[0] = from.Values[row];
        }
        else if ((copy.Columns[feature], table[source]) is (CategoricalColumn categoryTarget, CategoricalColumn categoryFrom))
        {
            categoryTarget.Values[0] = categoryFrom.Values[row];
        }
        else
        {
            report.Add(new DataProblem(ChangesName, line, "sameAs", "not of the same kind (number or category) as the feature changed"));
        }
    }

    /// <summary>value: a finite number for a numeric feature, text for a categorical one.</summary>
    private static void SetValue(RowCopy copy, string feature, JsonElement value, long line, ValidationReport report)
    {
        if (copy.Columns[feature] is NumericColumn slot)
        {
            if (FeatureRows.NumberProblem(feature, value, out float number) is { } reason)
            {
                report.Add(new DataProblem(ChangesName, line, "value", $"the feature is a number: {reason}"));
                return;
            }
            slot.Values[0] = number;
        }
        else if (copy.Columns[feature] is CategoricalColumn category && value.ValueKind == JsonValueKind.String)
        {
            category.Values[0] = value.GetString();
        }
        else
        {
            report.Add(new DataProblem(ChangesName, line, "value", "the feature is a category (text)"));
        }
    }

    /// <summary>A changed count moves its trend (when the trend is known and was not itself changed).</summary>
    private static void RecomputeTrends(RowCopy copy, HashSet<string> changed)
    {
        var columns = copy.Columns;
        foreach (var (trend, recent, previous) in Trends)
        {
            if (columns.GetValueOrDefault(trend) is NumericColumn { Values: var t } && !float.IsNaN(t[0]) && !changed.Contains(trend)
                && (changed.Contains(recent) || changed.Contains(previous)) && columns[recent] is NumericColumn { Values: var now } && columns[previous] is NumericColumn { Values: var before })
            {
                t[0] = (float)Math.Log2((now[0] + 1.0) / (before[0] + 1.0));
            }
        }
    }
}
