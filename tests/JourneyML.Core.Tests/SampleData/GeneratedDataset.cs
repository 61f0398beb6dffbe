using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace JourneyML.Core.Tests.SampleData;

internal sealed record EventRow(string CustomerId, DateTime OccurredAt, string Type, string? Channel, double? Value);

internal sealed record OutcomeRow(string CustomerId, DateTime? ChurnedAt, DateTime? ConvertedAt);

internal sealed record GroundTruthRow(
    string CustomerId,
    int SegmentId,
    string Segment,
    string Status,
    double? ChurnProbability,
    double? ConversionProbability,
    bool ChurnedInHorizon,
    bool ConvertedInHorizon);

/// <summary>A generated canonical-dialect folder read back through the files (as a user of the export would).</summary>
internal sealed class GeneratedDataset
{
    public required IReadOnlyList<EventRow> Events { get; init; }
    public required IReadOnlyDictionary<string, OutcomeRow> Outcomes { get; init; }
    public required IReadOnlyList<GroundTruthRow> GroundTruth { get; init; }
    public required IReadOnlyList<IReadOnlyDictionary<string, string>> Customers { get; init; }

    public ILookup<string, EventRow> EventsByCustomer => _byCustomer ??= Events.ToLookup(e => e.CustomerId);

    private ILookup<string, EventRow>? _byCustomer;

    public static GeneratedDataset Load(string directory)
    {
        string eventsCsv = Path.Combine(directory, "events.csv");
        var eventRows = File.Exists(eventsCsv)
            ? TableFiles.ReadCsv(eventsCsv)
            : TableFiles.ReadParquetAsText(Path.Combine(directory, "events.parquet"));
        var events = eventRows.Select(r => new EventRow(r["customer_id"], Time(r["occurred_at"])!.Value, r["type"], Empty(r["channel"]), Number(r["value"]))).ToList();
        // The subscription world exports no outcomes table (outcomes come from its purchase and cancellation events).
        string outcomesCsv = Path.Combine(directory, "outcomes.csv");
        var outcomes = !File.Exists(outcomesCsv) ? [] : TableFiles.ReadCsv(outcomesCsv)
            .Select(r => new OutcomeRow(r["customer_id"], Time(r["churned_at"]), Time(r["converted_at"])))
            .ToDictionary(o => o.CustomerId);
        var truth = TableFiles.ReadCsv(Path.Combine(directory, "ground_truth.csv"))
            .Select(r => new GroundTruthRow(
                r["customer_id"], int.Parse(r["segment_id"], CultureInfo.InvariantCulture), r["segment"], r["status_at_as_of"],
                Number(r["churn_probability"]), Number(r["conversion_probability"]),
                r["churned_in_horizon"] == "1", r["converted_in_horizon"] == "1"))
            .ToList();
        return new GeneratedDataset
        {
            Events = events,
            Outcomes = outcomes,
            GroundTruth = truth,
            Customers = TableFiles.ReadCsv(Path.Combine(directory, "customers.csv")),
        };
    }

    private static string? Empty(string s) => s.Length == 0 ? null : s;

    private static DateTime? Time(string s) => s.Length == 0
        ? null
        : DateTime.ParseExact(s, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static double? Number(string s) => s.Length == 0 ? null : double.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>Minimal readers for the generated tables: an RFC 4180 CSV parser and a Parquet reader that renders values as the CSV writer does.</summary>
internal static class TableFiles
{
    public static List<IReadOnlyDictionary<string, string>> ReadCsv(string path)
    {
        var records = ParseCsv(File.ReadAllText(path));
        var header = records[0];
        return records.Skip(1)
            .Select(r => (IReadOnlyDictionary<string, string>)header.Select((h, i) => (h, v: r[i])).ToDictionary(p => p.h, p => p.v))
            .ToList();
    }

    public static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                continue;
            }
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields.ToArray());
                fields.Clear();
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
            i++;
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields.ToArray());
        }
        return records;
    }

    public static List<IReadOnlyDictionary<string, string>> ReadParquetAsText(string path) =>
        ReadParquetAsTextAsync(path).GetAwaiter().GetResult();

    private static async Task<List<IReadOnlyDictionary<string, string>>> ReadParquetAsTextAsync(string path)
    {
        var rows = new List<IReadOnlyDictionary<string, string>>();
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = (int)group.RowCount;
            var columns = new string[fields.Length][];
            for (int f = 0; f < fields.Length; f++)
            {
                columns[f] = await ReadColumnAsync(group, fields[f], count);
            }
            for (int r = 0; r < count; r++)
            {
                var row = new Dictionary<string, string>();
                for (int f = 0; f < fields.Length; f++)
                {
                    row[fields[f].Name] = columns[f][r];
                }
                rows.Add(row);
            }
        }
        return rows;
    }

    private static async Task<string[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count)
    {
        var text = new string[count];
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory());
            for (int i = 0; i < count; i++)
            {
                text[i] = values[i] ?? "";
            }
        }
        else if (field.ClrType == typeof(DateTime) && !field.IsNullable)
        {
            var values = new DateTime[count];
            await group.ReadAsync<DateTime>(field, values.AsMemory());
            for (int i = 0; i < count; i++)
            {
                text[i] = values[i].ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            }
        }
        else if (field.ClrType == typeof(DateTime))
        {
            var values = new DateTime?[count];
            await group.ReadAsync<DateTime>(field, values.AsMemory());
            for (int i = 0; i < count; i++)
            {
                text[i] = values[i]?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";
            }
        }
        else if (field.ClrType == typeof(double))
        {
            var values = new double?[count];
            await group.ReadAsync<double>(field, values.AsMemory());
            for (int i = 0; i < count; i++)
            {
                text[i] = values[i]?.ToString(CultureInfo.InvariantCulture) ?? "";
            }
        }
        else if (field.ClrType == typeof(int))
        {
            var values = new int[count];
            await group.ReadAsync<int>(field, values.AsMemory());
            for (int i = 0; i < count; i++)
            {
                text[i] = values[i].ToString(CultureInfo.InvariantCulture);
            }
        }
        else
        {
            throw new NotSupportedException($"{field.Name}: {field.ClrType}");
        }
        return text;
    }
}
