using System.Globalization;

namespace JourneyML.Core.Data;

/// <summary>
/// A block of rows from one file, column by column, in whatever types the file holds
/// (CSV: text; Parquet: the column's own type). Readers of customers, events and outcomes
/// validate from here, so CSV and Parquet share one set of rules and messages.
/// </summary>
public sealed class TableChunk(string file, long firstRow, int rowCount, Array?[] columns, string[] columnNames)
{
    public string File { get; } = file;
    /// <summary>The 1-based row number of the first row, as a person would count it in the file (CSV: its line number).</summary>
    public long FirstRow { get; } = firstRow;
    public int RowCount { get; } = rowCount;
    public string[] ColumnNames { get; } = columnNames;

    /// <summary>CSV chunks number rows by line (the header is line 1); their rows may span lines, so each has its own number.</summary>
    internal long[]? LineNumbers { get; init; }

    /// <summary>Negative for a CSV row with the wrong number of fields (its line number, negated).</summary>
    public long RowNumber(int i) => LineNumbers?[i] ?? FirstRow + i;

    /// <summary>
    /// The checks every one-row-per-customer table starts a row with: the row is well formed and has an id
    /// (column 0 of the chunk). Reports the problem and returns false otherwise.
    /// </summary>
    public bool TryStartRow(int i, int fieldCount, string idColumn, ValidationReport report, out long row, out string id)
    {
        row = RowNumber(i);
        id = "";
        if (row < 0)
        {
            report.Add(new DataProblem(File, -row, null, $"malformed row: expected {fieldCount} fields"), "malformed row");
            return false;
        }
        var text = GetString(0, i)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            report.Add(new DataProblem(File, row, idColumn, "missing customer id"));
            return false;
        }
        id = text;
        return true;
    }

    public bool HasColumn(int column) => columns[column] is not null;

    /// <summary>The value as text; null or empty means missing.</summary>
    public string? GetString(int column, int row) => columns[column] switch
    {
        null => null,
        string?[] s => s[row],
        ReadOnlyMemory<char>[] m => m[row].ToString(),
        ReadOnlyMemory<char>?[] m => m[row]?.ToString(),
        DateTime?[] d => d[row]?.ToString("o", CultureInfo.InvariantCulture),
        DateTime[] d => d[row].ToString("o", CultureInfo.InvariantCulture),
        // NaN is how Parquet writers commonly store a missing number.
        double?[] v => v[row] is { } d && !double.IsNaN(d) ? d.ToString(CultureInfo.InvariantCulture) : null,
        double[] v => double.IsNaN(v[row]) ? null : v[row].ToString(CultureInfo.InvariantCulture),
        float?[] v => v[row] is { } f && !float.IsNaN(f) ? f.ToString("R", CultureInfo.InvariantCulture) : null,
        float[] v => float.IsNaN(v[row]) ? null : v[row].ToString("R", CultureInfo.InvariantCulture),
        Array a => Convert.ToString(a.GetValue(row), CultureInfo.InvariantCulture),
    };

    /// <summary>The value as text without allocating (Parquet text columns); empty when missing.</summary>
    public ReadOnlySpan<char> GetSpan(int column, int row) => columns[column] switch
    {
        ReadOnlyMemory<char>[] m => m[row].Span,
        ReadOnlyMemory<char>?[] m => m[row] is { } v ? v.Span : default,
        string?[] s => s[row],
        _ => GetString(column, row),
    };

    public bool IsMissing(int column, int row) => columns[column] switch
    {
        null => true,
        string?[] s => string.IsNullOrWhiteSpace(s[row]),
        ReadOnlyMemory<char>[] m => m[row].Span.IsWhiteSpace(),
        ReadOnlyMemory<char>?[] m => m[row] is not { } v || v.Span.IsWhiteSpace(),
        DateTime?[] d => d[row] is null,
        double?[] v => v[row] is not { } d || double.IsNaN(d),
        double[] v => double.IsNaN(v[row]),
        float[] v => float.IsNaN(v[row]),
        int[] or long[] or bool[] or DateTime[] => false,
        float?[] v => v[row] is not { } f || float.IsNaN(f),
        Array a => a.GetValue(row) is null,
    };

    /// <summary>Times before this are placeholders for a missing date (0001-01-01 from a database's empty date), not when something happened.</summary>
    public static readonly DateTime EarliestTime = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Parses a UTC time. Returns false with a reason when the value is missing, not a time, or a placeholder date before 1900.</summary>
    public bool TryGetTime(int column, int row, string? format, out DateTime value, out string reason)
    {
        if (!TryParseTime(column, row, format, out value, out reason))
        {
            return false;
        }
        if (value < EarliestTime)
        {
            reason = $"time {value:yyyy-MM-dd} is before {EarliestTime:yyyy}: a placeholder for a missing date, not when it happened";
            return false;
        }
        return true;
    }

    private bool TryParseTime(int column, int row, string? format, out DateTime value, out string reason)
    {
        reason = "";
        switch (columns[column])
        {
            case DateTime[] d:
                value = UtcTime.Normalize(d[row]);
                return true;
            case DateTime?[] d:
                if (d[row] is { } t)
                {
                    value = UtcTime.Normalize(t);
                    return true;
                }
                value = default;
                reason = "missing time";
                return false;
            case DateTimeOffset[] o:
                value = o[row].UtcDateTime;
                return true;
            case DateTimeOffset?[] o:
                if (o[row] is { } dto)
                {
                    value = dto.UtcDateTime;
                    return true;
                }
                value = default;
                reason = "missing time";
                return false;
            default:
                var text = GetString(column, row);
                if (string.IsNullOrWhiteSpace(text))
                {
                    value = default;
                    reason = "missing time";
                    return false;
                }
                if (TimeParser.TryParse(text, format, out value))
                {
                    return true;
                }
                reason = format is null
                    ? "unparseable time (expected ISO 8601, for example 2026-03-01T09:30:00Z)"
                    : $"unparseable time (expected the mapping's timeFormat '{format}')";
                return false;
        }
    }

    /// <summary>Parses an optional number: missing gives NaN and true.</summary>
    public bool TryGetOptionalDouble(int column, int row, out double value)
    {
        switch (columns[column])
        {
            case null:
                value = double.NaN;
                return true;
            case double[] d:
                value = d[row];
                return true;
            case double?[] d:
                value = d[row] ?? double.NaN;
                return true;
            case float?[] f:
                value = f[row] ?? double.NaN;
                return true;
            case int?[] n:
                value = n[row] ?? double.NaN;
                return true;
            case int[] n:
                value = n[row];
                return true;
            case long[] n:
                value = n[row];
                return true;
            case float[] f:
                value = f[row];
                return true;
            case long?[] n:
                value = n[row] ?? double.NaN;
                return true;
            default:
                var text = GetString(column, row);
                if (string.IsNullOrWhiteSpace(text))
                {
                    value = double.NaN;
                    return true;
                }
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }
    }

}

/// <summary>Fast parsing of the time layouts exports use; falls back to the framework's parser.</summary>
public static class TimeParser
{
    private const DateTimeStyles Utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;

    public static bool TryParse(string text, string? format, out DateTime value)
    {
        text = text.Trim();
        if (format is not null)
        {
            return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, Utc, out value);
        }
        if (TryParseIsoFast(text, out value))
        {
            return true;
        }
        // Only ISO-like layouts: culture-specific forms such as 03/04/2026 are ambiguous.
        if (text.Length >= 10 && text[4] == '-' && text[7] == '-')
        {
            return DateTime.TryParse(text, CultureInfo.InvariantCulture, Utc, out value);
        }
        value = default;
        return false;
    }

    /// <summary>yyyy-MM-dd, yyyy-MM-ddTHH:mm:ss, with optional 'Z', 'T' or ' ' separator: the common cases, without allocation.</summary>
    private static bool TryParseIsoFast(string s, out DateTime value)
    {
        value = default;
        int len = s.Length;
        if (s.EndsWith('Z'))
        {
            len--;
        }
        if (len != 10 && len != 19)
        {
            return false;
        }
        if (s[4] != '-' || s[7] != '-')
        {
            return false;
        }
        if (!TryDigits(s, 0, 4, out int year) || !TryDigits(s, 5, 2, out int month) || !TryDigits(s, 8, 2, out int day))
        {
            return false;
        }
        int hour = 0, minute = 0, second = 0;
        if (len == 19)
        {
            if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
            {
                return false;
            }
            if (!TryDigits(s, 11, 2, out hour) || !TryDigits(s, 14, 2, out minute) || !TryDigits(s, 17, 2, out second))
            {
                return false;
            }
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month)
            || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return true;
    }

    private static bool TryDigits(string s, int start, int count, out int number)
    {
        number = 0;
        for (int i = start; i < start + count; i++)
        {
            int d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            number = number * 10 + d;
        }
        return true;
    }
}
