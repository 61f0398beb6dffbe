using System.Globalization;
using JourneyML.Core.Data;

namespace JourneyML.Core.Features;

/// <summary>A feature column as the feature step writes it for an export: its name, kind and description.</summary>
public sealed record PlannedColumn(string Name, FeatureKind Kind, string Description);

/// <summary>
/// Reads back a table <see cref="FeatureTableFiles.Write"/> wrote, as the feature step built it: the columns the plan names,
/// with the builder's kinds and descriptions (never inferred from the values, as a user's own table is), every value exact,
/// the account, status and label columns restored. A table read so equals the one the feature step would build again.
/// </summary>
public static class WrittenFeatureTables
{
    public static FeatureTable Read(string path, IReadOnlyList<PlannedColumn> planned, IReadOnlyList<string> labels, DateTime asOf, int horizonDays)
    {
        bool csv = !path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
        using var reader = TableReader.Open(path);
        RequireSameColumns(reader, planned, labels);
        bool hasAccounts = reader.IndexOf(FeatureTableFiles.AccountColumn) >= 0, hasStatus = reader.IndexOf(FeatureTableFiles.StatusColumn) >= 0;
        string?[] wanted =
        [
            FeatureTableFiles.IdColumn,
            hasAccounts ? FeatureTableFiles.AccountColumn : null,
            hasStatus ? FeatureTableFiles.StatusColumn : null,
            .. planned.Select(c => c.Name),
            .. labels.Select(l => FeatureTableFiles.LabelPrefix + l),
        ];
        var ids = new List<string>();
        var accounts = new List<string?>();
        var status = new List<CustomerStatus>();
        var numbers = planned.Select(c => c.Kind == FeatureKind.Numeric ? new List<float>() : null).ToArray();
        var texts = planned.Select(c => c.Kind == FeatureKind.Categorical ? new List<string?>() : null).ToArray();
        var labelValues = labels.Select(_ => new List<float>()).ToArray();
        const int First = 3;
        foreach (var chunk in reader.ReadAll(wanted))
        {
            for (int i = 0; i < chunk.RowCount; i++)
            {
                ids.Add(Text(chunk, 0, i, csv) ?? throw new DataFileException(reader.FileName, "a row has no customer id", FeatureTableFiles.IdColumn, chunk.RowNumber(i)));
                if (hasAccounts)
                {
                    accounts.Add(Text(chunk, 1, i, csv));
                }
                if (hasStatus)
                {
                    status.Add(CustomerStatuses.TryParse(chunk.GetString(2, i), out var s) ? s
                        : throw new DataFileException(reader.FileName, "status must be lead, customer or churned", FeatureTableFiles.StatusColumn, chunk.RowNumber(i)));
                }
                for (int f = 0; f < planned.Count; f++)
                {
                    if (numbers[f] is { } column)
                    {
                        column.Add(Number(chunk, First + f, i, csv, reader.FileName, planned[f].Name));
                    }
                    else
                    {
                        texts[f]!.Add(Text(chunk, First + f, i, csv));
                    }
                }
                for (int l = 0; l < labels.Count; l++)
                {
                    labelValues[l].Add(Number(chunk, First + planned.Count + l, i, csv, reader.FileName, FeatureTableFiles.LabelPrefix + labels[l]));
                }
            }
        }
        var columns = planned.Select(FeatureColumn (c, f) => numbers[f] is { } n
            ? FeatureColumn.Numeric(c.Name, c.Description, [.. n])
            : FeatureColumn.Categorical(c.Name, c.Description, [.. texts[f]!])).ToList();
        return new FeatureTable([.. ids], columns)
        {
            AccountIds = hasAccounts ? [.. accounts] : null,
            Status = hasStatus ? [.. status] : null,
            Labels = labels.Select((l, i) => (l, Values: labelValues[i].ToArray())).ToDictionary(x => x.l, x => x.Values),
            AsOf = asOf,
            HorizonDays = horizonDays,
        };
    }

    /// <summary>The file's features must be the plan's, by name: a table from an older builder or another export's plan is named, never half-used.</summary>
    private static void RequireSameColumns(TableReader reader, IReadOnlyList<PlannedColumn> planned, IReadOnlyList<string> labels)
    {
        var own = new HashSet<string>(StringComparer.Ordinal) { FeatureTableFiles.IdColumn, FeatureTableFiles.AccountColumn, FeatureTableFiles.StatusColumn };
        var expected = planned.Select(c => c.Name).Concat(labels.Select(l => FeatureTableFiles.LabelPrefix + l)).ToList();
        var actual = reader.Columns.Where(c => !own.Contains(c)).ToList();
        var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
        var unexpected = actual.Except(expected, StringComparer.Ordinal).ToList();
        if (reader.IndexOf(FeatureTableFiles.IdColumn) < 0)
        {
            missing.Insert(0, FeatureTableFiles.IdColumn);
        }
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new[]
            {
                missing.Count > 0 ? "missing " + string.Join(", ", missing) : null,
                unexpected.Count > 0 ? "not written by this version for this export: " + string.Join(", ", unexpected) : null,
            };
            throw new DataFileException(reader.FileName,
                $"its feature columns differ from the feature plan of this export and JourneyML version ({string.Join("; ", parts.OfType<string>())}); rebuild it with 'journeyml features'");
        }
    }

    private static string? Text(TableChunk chunk, int column, int row, bool csv)
    {
        var text = chunk.GetString(column, row);
        if (string.IsNullOrEmpty(text))
        {
            return csv ? null : text;
        }
        return csv ? Csv.Unescape(text) : text;
    }

    /// <summary>Exact: a Parquet float as stored; a CSV cell parsed as a float directly (the writer's round-trip form), not through a double.</summary>
    private static float Number(TableChunk chunk, int column, int row, bool csv, string file, string name)
    {
        if (!csv && chunk.TryGetOptionalDouble(column, row, out double d))
        {
            return (float)d;
        }
        var span = chunk.GetSpan(column, row).Trim();
        if (span.IsEmpty)
        {
            return float.NaN;
        }
        return float.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) ? value
            : throw new DataFileException(file, $"'{span}' is not a number", name, chunk.RowNumber(row));
    }
}
