using System.Text.Json;
using JourneyML.Core.Data;
using JourneyML.Core.Features;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Scoring;

/// <summary>A customer given as a ready feature row (mode B, live): feature name to value, as JSON values.</summary>
public sealed record FeatureRowInput(string CustomerId, string? AccountId, string? Status, IReadOnlyDictionary<string, JsonElement> Features);

/// <summary>
/// Builds a feature table from ready feature rows, typed by the champion's feature schema. Every problem names the
/// row (1-based, in <see cref="RowsName"/>) and the field: unknown feature, a number expected, an unknown status.
/// A feature the row leaves out is missing (as in training, where missing values are imputed), and is listed.
/// </summary>
public static class FeatureRows
{
    public const string RowsName = "customers";

    public static bool IsCategorical(FeatureSchemaEntry feature) => feature.Kind.Equals(nameof(FeatureKind.Categorical), StringComparison.OrdinalIgnoreCase);

    public static (FeatureTable Table, IReadOnlyList<string>[] Missing) Build(IReadOnlyList<FeatureRowInput> rows, IReadOnlyList<FeatureSchemaEntry> schema,
        ValidationReport report, DateTime asOf)
    {
        int n = rows.Count;
        var byName = schema.Select((f, i) => (f, i)).ToDictionary(x => x.f.Name, x => x.i, StringComparer.Ordinal);
        var numbers = schema.Select(f => IsCategorical(f) ? null : Filled(n)).ToArray();
        var categories = schema.Select(f => IsCategorical(f) ? new string?[n] : null).ToArray();
        var status = new CustomerStatus[n];
        var missing = new IReadOnlyList<string>[n];
        for (int r = 0; r < n; r++)
        {
            var row = rows[r];
            long line = r + 1;
            if (string.IsNullOrWhiteSpace(row.CustomerId))
            {
                report.Add(new DataProblem(RowsName, line, "customerId", "missing customer id"));
            }
            status[r] = string.IsNullOrWhiteSpace(row.Status) ? CustomerStatus.Customer
                : CustomerStatuses.TryParse(row.Status, out var known) ? known
                : Problem(report, line, "status", "unknown status (expected lead, customer or churned)");
            var given = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, value) in row.Features ?? new Dictionary<string, JsonElement>())
            {
                if (!byName.TryGetValue(name, out int i))
                {
                    report.Add(new DataProblem(RowsName, line, $"features.{name}", "unknown feature: the champion was not trained on it"));
                    continue;
                }
                given.Add(name);
                if (value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (categories[i] is { } text)
                {
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        report.Add(new DataProblem(RowsName, line, $"features.{name}", "expected a text value (a category such as a plan name)"));
                        continue;
                    }
                    text[r] = value.GetString();
                }
                else if (NumberProblem(name, value, out float number) is { } reason)
                {
                    // Only a value of the wrong type may have meant "missing"; a huge or negative number is a number.
                    report.Add(new DataProblem(RowsName, line, $"features.{name}", value.ValueKind == JsonValueKind.Number ? reason : reason + " (or null for missing)"));
                }
                else
                {
                    numbers[i]![r] = number;
                }
            }
            missing[r] = [.. schema.Where(f => !given.Contains(f.Name)).Select(f => f.Name)];
        }
        var columns = schema.Select(FeatureColumn (f, i) => categories[i] is { } c
            ? FeatureColumn.Categorical(f.Name, f.Description, c)
            : FeatureColumn.Numeric(f.Name, f.Description, numbers[i]!)).ToList();
        var table = new FeatureTable([.. rows.Select(x => x.CustomerId ?? "")], columns)
        {
            AccountIds = [.. rows.Select(x => x.AccountId)],
            Status = status,
            AsOf = asOf,
        };
        return (table, missing);
    }

    /// <summary>The largest magnitude a feature value may have: far beyond any count, day or sum, and well inside a float, so nothing overflows to infinity.</summary>
    public const double MaxMagnitude = 1e12;

    // Behaviour features that count, measure days or sum minutes cannot be negative; trends (log ratios) and the sums of
    // an export's own values (in its unit, which may be signed) can.
    private static readonly HashSet<string> s_signed = [FeatureNames.LoginTrend, FeatureNames.TicketTrend, FeatureNames.UsageTrend,
        .. FeatureNames.ContentValues.SelectMany(c => new[] { c.Name, c.Mean })];
    private static readonly HashSet<string> s_nonNegative = [.. FeatureNames.Definitions.Select(d => d.Name).Where(n => !s_signed.Contains(n))];

    /// <summary>
    /// Why a JSON value cannot be the numeric feature's value (null when it can): not a number, too large for the
    /// model's floats, or negative for a count. Never quotes the value.
    /// </summary>
    public static string? NumberProblem(string feature, JsonElement value, out float number)
    {
        number = float.NaN;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d))
        {
            return "expected a number";
        }
        if (Math.Abs(d) > MaxMagnitude)
        {
            return "a number between -1e12 and 1e12 expected: this one is too large";
        }
        if (d < 0 && s_nonNegative.Contains(feature))
        {
            return "cannot be negative: it counts events or days";
        }
        number = (float)d;
        return null;
    }

    private static CustomerStatus Problem(ValidationReport report, long row, string field, string reason)
    {
        report.Add(new DataProblem(RowsName, row, field, reason));
        return CustomerStatus.Customer;
    }

    private static float[] Filled(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
