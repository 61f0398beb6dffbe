using System.Globalization;
using System.Text;
using JourneyML.Core.Data;
using Parquet;
using Parquet.Schema;

namespace JourneyML.Core.Features;

/// <summary>
/// Writes a feature table to Parquet or CSV (the hand-off file a distributed feature job can produce too),
/// and reads a ready feature table back (mode B: the user's own table, types inferred).
/// Files are written to a temporary name and renamed when complete, so a killed run never leaves a file that looks whole.
/// </summary>
public static class FeatureTableFiles
{
    public const string IdColumn = "customer_id";
    public const string AccountColumn = "account_id";
    public const string StatusColumn = "status";
    public const string LabelPrefix = "label_";

    /// <param name="provenance">What the table was built from, stored with it so a later run can check before reusing it.</param>
    public static void Write(FeatureTable table, string path, FeatureTableProvenance? provenance = null)
    {
        bool parquet = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, temporary =>
        {
            if (parquet)
            {
                Task.Run(() => WriteParquetAsync(table, temporary, provenance)).GetAwaiter().GetResult();
            }
            else
            {
                WriteCsv(table, temporary);
            }
        });
        if (!parquet && provenance is not null)
        {
            // After the table: a run killed in between leaves the old description, which the table's fingerprint then refutes.
            AtomicFile.WriteAllText(FeatureTableProvenance.SidecarPath(path), provenance.ToJson());
        }
    }

    private static async Task WriteParquetAsync(FeatureTable table, string path, FeatureTableProvenance? provenance)
    {
        var fields = new List<(Field Field, Func<ParquetRowGroupWriter, Task> Write)>();
        var idField = new DataField<string>(IdColumn);
        fields.Add((idField, rg => rg.WriteAsync(idField, table.CustomerIds)));
        if (table.AccountIds is { } accounts)
        {
            var f = new DataField<string>(AccountColumn, nullable: true);
            fields.Add((f, rg => rg.WriteAsync(f, accounts)));
        }
        if (table.Status is { } status)
        {
            var f = new DataField<string>(StatusColumn);
            var names = status.Select(s => s.Name()).ToArray();
            fields.Add((f, rg => rg.WriteAsync(f, names)));
        }
        foreach (var column in table.Columns)
        {
            if (column is NumericColumn numeric)
            {
                var f = new DataField<float>(column.Name);
                var values = numeric.Values;
                fields.Add((f, rg => rg.WriteAsync(f, (ReadOnlyMemory<float>)values)));
            }
            else if (column is CategoricalColumn categorical)
            {
                var f = new DataField<string>(column.Name, nullable: true);
                var values = categorical.Values;
                fields.Add((f, rg => rg.WriteAsync(f, values)));
            }
        }
        foreach (var (name, values) in table.Labels)
        {
            var f = new DataField<float>(LabelPrefix + name);
            fields.Add((f, rg => rg.WriteAsync(f, (ReadOnlyMemory<float>)values)));
        }
        var schema = new ParquetSchema(fields.Select(f => f.Field).ToArray());
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        var metadata = new Dictionary<string, string>();
        if (table.AsOf is { } asOf)
        {
            metadata["journeyml.as_of"] = asOf.ToString("o", CultureInfo.InvariantCulture);
        }
        if (table.HorizonDays is { } horizon)
        {
            metadata["journeyml.horizon_days"] = horizon.ToString(CultureInfo.InvariantCulture);
        }
        if (provenance is not null)
        {
            metadata[FeatureTableProvenance.MetadataKey] = provenance.ToJson();
        }
        writer.CustomMetadata = metadata;
        using var rowGroup = writer.CreateRowGroup();
        foreach (var (_, write) in fields)
        {
            await write(rowGroup);
        }
    }

    private static void WriteCsv(FeatureTable table, string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var header = new List<string> { IdColumn };
        if (table.AccountIds is not null)
        {
            header.Add(AccountColumn);
        }
        if (table.Status is not null)
        {
            header.Add(StatusColumn);
        }
        header.AddRange(table.Columns.Select(c => c.Name));
        header.AddRange(table.Labels.Keys.Select(k => LabelPrefix + k));
        writer.WriteLine(string.Join(',', header.Select(Csv.Escape)));
        var line = new StringBuilder();
        for (int r = 0; r < table.RowCount; r++)
        {
            line.Clear();
            line.Append(Csv.Escape(table.CustomerIds[r]));
            if (table.AccountIds is { } accounts)
            {
                line.Append(',').Append(Csv.Escape(accounts[r] ?? ""));
            }
            if (table.Status is { } status)
            {
                line.Append(',').Append(status[r].Name());
            }
            foreach (var column in table.Columns)
            {
                line.Append(',');
                if (column is NumericColumn numeric)
                {
                    AppendNumber(line, numeric.Values[r]);
                }
                else if (column is CategoricalColumn categorical)
                {
                    line.Append(Csv.Escape(categorical.Values[r] ?? ""));
                }
            }
            foreach (var values in table.Labels.Values)
            {
                line.Append(',');
                AppendNumber(line, values[r]);
            }
            writer.WriteLine(line);
        }
    }

    private static void AppendNumber(StringBuilder sb, float value)
    {
        if (!float.IsNaN(value))
        {
            sb.Append(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Reads a ready feature table (mode B): an id column, optionally a label column, every other column a feature.
    /// A column is numeric when every non-empty value parses as a number, else categorical.
    /// Rows with a missing or duplicate id, or a label that is not 0/1 (or true/false, yes/no), are reported with file, row and column.
    /// </summary>
    /// <param name="csv">How a CSV table is read (encoding and delimiter); default: detected.</param>
    public static FeatureTable Read(string path, ValidationReport report, string idColumn = IdColumn, string? labelColumn = null,
        string labelName = LabelNames.Churn, CsvFormat? csv = null)
    {
        // Two passes, streaming both: the first validates rows and learns each column's type, the second fills typed
        // arrays. No value is held as text unless its column is categorical.
        var files = TableReader.ResolveFiles(path);
        var pass = new FirstPass();
        foreach (var file in files)
        {
            using var reader = TableReader.Open(file, csv);
            ValidateFile(reader, pass, report, idColumn, labelColumn);
        }
        report.ThrowIfInvalid();
        var (numbers, texts) = ReadAcceptedValues(files, pass, idColumn, labelColumn, csv);
        return ToFeatureTable(pass, numbers, texts, labelColumn, labelName);
    }

    /// <summary>What the first pass learns: the accepted rows' ids and labels, which rows were accepted, the columns and their types.</summary>
    private sealed class FirstPass
    {
        public List<string> Ids { get; } = [];
        public List<float> Labels { get; } = [];
        /// <summary>One entry per row read, in file order: whether the row was accepted.</summary>
        public List<bool> Accepted { get; } = [];
        /// <summary>The row each accepted id was first seen at.</summary>
        public Dictionary<string, long> Seen { get; } = new(StringComparer.Ordinal);
        public string[]? ColumnNames { get; private set; }
        /// <summary>Per feature column: whether every accepted value so far is a number.</summary>
        public bool[]? Numeric { get; private set; }

        /// <summary>The first file sets the feature columns; every later file must have the same ones.</summary>
        public void AgreeOnColumns(string fileName, string[] features)
        {
            if (ColumnNames is null)
            {
                ColumnNames = features;
                Numeric = [.. features.Select(_ => true)];
            }
            else if (!ColumnNames.SequenceEqual(features, StringComparer.OrdinalIgnoreCase))
            {
                throw new DataFileException(fileName, $"its columns differ from the first file's ({string.Join(", ", ColumnNames)})");
            }
        }
    }

    /// <summary>First pass over one file: checks its columns, accepts or reports each row, and narrows the column types.</summary>
    private static void ValidateFile(TableReader reader, FirstPass pass, ValidationReport report, string idColumn, string? labelColumn)
    {
        RequireTableColumn(reader, idColumn, "the customer's id", "--id");
        if (labelColumn is not null)
        {
            RequireTableColumn(reader, labelColumn, "the label (1 when the outcome happened, else 0)", "--label");
        }
        var features = FeatureColumnsOf(reader, idColumn, labelColumn);
        pass.AgreeOnColumns(reader.FileName, features);
        string?[] wanted = [idColumn, labelColumn, .. features];
        long rows = 0;
        foreach (var chunk in reader.ReadAll(wanted))
        {
            rows += chunk.RowCount;
            for (int i = 0; i < chunk.RowCount; i++)
            {
                bool accepted = TryAcceptRow(chunk, i, reader.Columns.Count, pass, report, idColumn, labelColumn);
                pass.Accepted.Add(accepted);
                if (accepted)
                {
                    NarrowTypes(chunk, i, pass.Numeric!);
                }
            }
        }
        report.AddRowsRead(reader.FileName, rows);
    }

    /// <summary>A ready table has no mapping file: its id and label columns are named on the command line, so the error says which option.</summary>
    private static void RequireTableColumn(TableReader reader, string name, string meaning, string option)
    {
        if (reader.IndexOf(name) < 0)
        {
            throw new DataFileException(reader.FileName,
                $"missing required column '{name}' ({meaning}); the file has: {string.Join(", ", reader.Columns)}. " +
                $"Name the column with {option}" + (option == "--label" ? ", or leave --label out to find segments without a label" : "") +
                reader.MissingColumnHint(name), name);
        }
    }

    /// <summary>Keeps the row's id and label, or reports why not: a missing or duplicate id, or a label that is not 0/1.</summary>
    private static bool TryAcceptRow(TableChunk chunk, int i, int columnCount, FirstPass pass, ValidationReport report, string idColumn, string? labelColumn)
    {
        if (!chunk.TryStartRow(i, columnCount, idColumn, report, out long row, out var id))
        {
            return false;
        }
        if (pass.Seen.TryGetValue(id, out long first))
        {
            report.Add(new DataProblem(chunk.File, row, idColumn, $"duplicate customer id (first at row {first})"), "duplicate customer id");
            return false;
        }
        float label = float.NaN;
        if (labelColumn is not null && !TryParseLabel(chunk.GetString(1, i), out label))
        {
            report.Add(new DataProblem(chunk.File, row, labelColumn, "label must be 0 or 1 (or true/false, yes/no; empty when unknown)"), "invalid label");
            return false;
        }
        pass.Seen[id] = row;
        pass.Ids.Add(id);
        pass.Labels.Add(label);
        return true;
    }

    /// <summary>A column stays numeric while every accepted value in it is a number.</summary>
    private static void NarrowTypes(TableChunk chunk, int i, bool[] numeric)
    {
        for (int f = 0; f < numeric.Length; f++)
        {
            if (numeric[f] && !TryNumber(chunk, 2 + f, i, out _))
            {
                numeric[f] = false;
            }
        }
    }

    /// <summary>Second pass: the accepted rows' values into one typed array per column (numbers, or trimmed text with blanks as null).</summary>
    private static (float[]?[] Numbers, string?[]?[] Texts) ReadAcceptedValues(IReadOnlyList<string> files, FirstPass pass, string idColumn, string? labelColumn,
        CsvFormat? csv)
    {
        var numbers = pass.Numeric!.Select(isNumber => isNumber ? new float[pass.Ids.Count] : null).ToArray();
        var texts = pass.Numeric!.Select(isNumber => isNumber ? null : new string?[pass.Ids.Count]).ToArray();
        int sequence = 0, target = 0;
        foreach (var file in files)
        {
            using var reader = TableReader.Open(file, csv);
            string?[] wanted = [idColumn, labelColumn, .. FeatureColumnsOf(reader, idColumn, labelColumn)];
            foreach (var chunk in reader.ReadAll(wanted))
            {
                for (int i = 0; i < chunk.RowCount; i++)
                {
                    if (!pass.Accepted[sequence++])
                    {
                        continue;
                    }
                    for (int f = 0; f < numbers.Length; f++)
                    {
                        if (numbers[f] is { } column)
                        {
                            TryNumber(chunk, 2 + f, i, out column[target]);
                        }
                        else
                        {
                            var text = chunk.GetString(2 + f, i);
                            texts[f]![target] = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
                        }
                    }
                    target++;
                }
            }
        }
        return (numbers, texts);
    }

    private static FeatureTable ToFeatureTable(FirstPass pass, float[]?[] numbers, string?[]?[] texts, string? labelColumn, string labelName)
    {
        var columns = pass.ColumnNames!.Select(FeatureColumn (name, f) => numbers[f] is { } n
            ? FeatureColumn.Numeric(name, $"'{name}' from the feature table", n)
            : FeatureColumn.Categorical(name, $"'{name}' from the feature table", texts[f]!)).ToList();
        // Columns this library writes beside the features are restored as what they are, not used as features.
        var account = columns.FirstOrDefault(c => c.Name.Equals(AccountColumn, StringComparison.OrdinalIgnoreCase));
        var status = columns.OfType<CategoricalColumn>().FirstOrDefault(c => c.Name.Equals(StatusColumn, StringComparison.OrdinalIgnoreCase)
            && c.Values.All(v => CustomerStatuses.TryParse(v, out var s) && s.Name() == v));
        var kept = columns.Where(c => c != account && c != status).ToList();
        return new FeatureTable([.. pass.Ids], kept)
        {
            AccountIds = account is CategoricalColumn { Values: var accounts } ? accounts : null,
            Status = status?.Values.Select(v => CustomerStatuses.TryParse(v, out var s) ? s : CustomerStatus.Customer).ToArray(),
            Labels = labelColumn is null ? new Dictionary<string, float[]>() : new Dictionary<string, float[]> { [labelName] = [.. pass.Labels] },
        };
    }

    private static string[] FeatureColumnsOf(TableReader reader, string idColumn, string? labelColumn) =>
        [.. reader.Columns.Where(c => !c.Equals(idColumn, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(c, labelColumn, StringComparison.OrdinalIgnoreCase)
            && !c.StartsWith(LabelPrefix, StringComparison.OrdinalIgnoreCase))];

    /// <summary>A number, a boolean (1/0) or blank (NaN); false for anything else, which makes the column categorical.</summary>
    private static bool TryNumber(TableChunk chunk, int column, int row, out float value)
    {
        if (chunk.TryGetOptionalDouble(column, row, out double d))
        {
            value = (float)d;
            return true;
        }
        // Not a number to the reader: the rule every user column is typed by decides (booleans count as numbers).
        return ColumnTypes.TryNumber(chunk.GetString(column, row), out value);
    }

    private static bool TryParseLabel(string? text, out float label)
    {
        label = float.NaN;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "1.0" or "true" or "yes" or "y":
                label = 1;
                return true;
            case "0" or "0.0" or "false" or "no" or "n":
                label = 0;
                return true;
            default:
                return false;
        }
    }
}

/// <summary>CSV output helpers.</summary>
public static class Csv
{
    /// <summary>RFC 4180 quoting, and cells a spreadsheet would run as a formula are neutralised with a leading quote.</summary>
    public static string Escape(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>A cell as <see cref="Escape"/> wrote it, back to the value (the CSV reader has already undone the quoting).</summary>
    public static string Unescape(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(cell.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? cell[1..] : cell;
}
