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
        var numbers = table.Columns.ToDictionary(c => c.Name, c => c.Numbers is { } v ? new[] { v[row] } : null, StringComparer.Ordinal);
        var categories = table.Columns.ToDictionary(c => c.Name, c => c.Categories is { } v ? new[] { v[row] } : null, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            long line = i + 1;
            if (string.IsNullOrWhiteSpace(change.Feature) || !numbers.ContainsKey(change.Feature))
            {
                report.Add(new DataProblem(ChangesName, line, "feature", $"unknown feature '{change.Feature}'"));
                continue;
            }
            if (!changed.Add(change.Feature))
            {
                report.Add(new DataProblem(ChangesName, line, "feature", $"'{change.Feature}' is changed twice"));
                continue;
            }
            if ((change.Value is null) == (change.SameAs is null))
            {
                report.Add(new DataProblem(ChangesName, line, "value", "give either a value or sameAs (another feature whose value to take)"));
                continue;
            }
            if (change.SameAs is { } source)
            {
                if (!numbers.ContainsKey(source))
                {
                    report.Add(new DataProblem(ChangesName, line, "sameAs", $"unknown feature '{source}'"));
                }
                else if ((numbers[change.Feature] is null) != (numbers[source] is null))
                {
                    report.Add(new DataProblem(ChangesName, line, "sameAs", $"'{source}' and '{change.Feature}' are not of the same kind"));
                }
                else if (numbers[change.Feature] is { } target)
                {
                    target[0] = table[source].Numbers![row];
                }
                else
                {
                    categories[change.Feature]![0] = table[source].Categories![row];
                }
                continue;
            }
            var value = change.Value!.Value;
            if (numbers[change.Feature] is { } slot)
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d))
                {
                    report.Add(new DataProblem(ChangesName, line, "value", $"'{change.Feature}' is a number"));
                    continue;
                }
                slot[0] = (float)d;
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                categories[change.Feature]![0] = value.GetString();
            }
            else
            {
                report.Add(new DataProblem(ChangesName, line, "value", $"'{change.Feature}' is a category (text)"));
            }
        }
        foreach (var (trend, recent, previous) in Trends)
        {
            if (numbers.TryGetValue(trend, out var t) && t is not null && !float.IsNaN(t[0]) && !changed.Contains(trend)
                && (changed.Contains(recent) || changed.Contains(previous)) && numbers[recent] is { } now && numbers[previous] is { } before)
            {
                t[0] = (float)Math.Log2((now[0] + 1.0) / (before[0] + 1.0));
            }
        }
        var columns = table.Columns.Select(c => c.Numbers is not null
            ? FeatureColumn.Numeric(c.Name, c.Description, numbers[c.Name]!)
            : FeatureColumn.Categorical(c.Name, c.Description, categories[c.Name]!)).ToList();
        return new FeatureTable([table.CustomerIds[row]], columns)
        {
            AccountIds = table.AccountIds is { } a ? [a[row]] : null,
            Status = table.Status is { } s ? [s[row]] : null,
            AsOf = table.AsOf,
        };
    }
}
