using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using JourneyML.Core.Reports;

namespace JourneyML.Docs.Tests.Notebooks;

/// <summary>
/// Runner plumbing, appended as source to every program generated from a notebook: <c>display(...)</c> as Polyglot
/// Notebooks provides it, cell markers, and the report of an unhandled exception. Each writes one marker line to
/// standard output; the runner turns the lines between two cell markers into that cell's outputs. Presentation only:
/// anything a notebook computes comes from the JourneyML library.
/// </summary>
public static class NotebookDisplay
{
    /// <summary>Starts every marker line; the record separator never appears in ordinary output.</summary>
    public const string Marker = "\u001e#journeyml ";

    /// <summary>Folder the charts of a run are saved into (set by the runner).</summary>
    public const string OutputVariable = "JOURNEYML_NOTEBOOK_OUTPUT";

    public const int MaxRows = 50;

    private static int s_images;
    private static int s_handlerInstalled;

    public static void BeginCell(int cell)
    {
        if (Interlocked.Exchange(ref s_handlerInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) => Emit("error", Error(e.ExceptionObject as Exception));
        }
        Console.Out.Flush();
        Console.WriteLine($"{Marker}cell {cell.ToString(CultureInfo.InvariantCulture)}");
    }

    public static void End()
    {
        Console.Out.Flush();
        Console.WriteLine($"{Marker}end");
    }

    /// <summary>Shows a value under the cell: a chart as an image, a list of records as a table, anything else as text.</summary>
    /// <remarks>Lower case: the name Polyglot Notebooks gives it, so a cell reads the same in VS Code and in the runner.</remarks>
    public static void display(object? value)
    {
        var data = new Dictionary<string, string>();
        if (value is Chart chart)
        {
            var folder = Environment.GetEnvironmentVariable(OutputVariable) ?? Path.GetTempPath();
            var file = Path.Combine(folder, $"chart-{Interlocked.Increment(ref s_images).ToString("D3", CultureInfo.InvariantCulture)}.png");
            chart.Save(file);
            data["image/png"] = file;
            data["text/plain"] = chart.ToString();
        }
        else
        {
            var (text, html) = Render(value);
            data["text/plain"] = text;
            if (html is not null)
            {
                data["text/html"] = html;
            }
        }
        Emit("display", data);
    }

    /// <summary>Plain text and, for tables, HTML. Lists of objects become tables of their public properties.</summary>
    public static (string Text, string? Html) Render(object? value)
    {
        switch (value)
        {
            case null:
                return ("null", null);
            case string s:
                return (s, null);
            case IEnumerable items when value is not IDictionary:
                var rows = items.Cast<object?>().ToList();
                return Table(rows);
            default:
                if (IsScalar(value.GetType()))
                {
                    return (Cell(value), null);
                }
                var properties = Properties(value.GetType());
                if (properties.Length == 0)
                {
                    return (value.ToString() ?? "", null);
                }
                // One object: its properties as name and value.
                var pairs = properties.Select(p => (object?)new NameValue(p.Name, Cell(p.GetValue(value)))).ToList();
                return Table(pairs);
        }
    }

    private sealed record NameValue(string Name, string Value);

    private static (string Text, string? Html) Table(List<object?> rows)
    {
        var first = rows.FirstOrDefault(r => r is not null);
        if (first is null)
        {
            return (rows.Count == 0 ? "(no rows)" : string.Join(Environment.NewLine, rows.Select(_ => "null")), null);
        }
        string[] headers;
        Func<object?, string[]> cells;
        if (IsScalar(first.GetType()))
        {
            headers = ["value"];
            cells = row => [Cell(row)];
        }
        else
        {
            var properties = Properties(first.GetType());
            headers = [.. properties.Select(p => p.Name)];
            cells = row => [.. properties.Select(p => row is null ? "" : Cell(p.GetValue(row)))];
        }
        var shown = rows.Take(MaxRows).Select(cells).ToList();
        var numeric = Enumerable.Range(0, headers.Length)
            .Select(c => shown.All(r => r[c].Length == 0 || double.TryParse(r[c].TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            .ToArray();
        string more = rows.Count > MaxRows
            ? $"(first {MaxRows.ToString(CultureInfo.InvariantCulture)} of {rows.Count.ToString("N0", CultureInfo.InvariantCulture)} rows)"
            : "";

        var widths = Enumerable.Range(0, headers.Length).Select(c => Math.Max(headers[c].Length, shown.Count == 0 ? 0 : shown.Max(r => r[c].Length))).ToArray();
        string Line(string[] values) => string.Join("  ", values.Select((v, c) => numeric[c] ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))).TrimEnd();
        var text = new StringBuilder();
        text.AppendLine(Line(headers));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in shown)
        {
            text.AppendLine(Line(row));
        }
        if (more.Length > 0)
        {
            text.AppendLine(more);
        }

        var html = new StringBuilder("<table>\n<thead><tr>");
        foreach (var h in headers)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in shown)
        {
            html.Append("<tr>");
            for (int c = 0; c < row.Length; c++)
            {
                html.Append(numeric[c] ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">").Append(WebUtility.HtmlEncode(row[c])).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>");
        if (more.Length > 0)
        {
            html.Append("\n<p>").Append(more).Append("</p>");
        }
        return (text.ToString().TrimEnd(), html.ToString());
    }

    private static PropertyInfo[] Properties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0
            && p.Name != "EqualityContract")];

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid)
        || (Nullable.GetUnderlyingType(type) is { } inner && IsScalar(inner));

    /// <summary>A value as a table shows it: invariant culture, no NaN (missing is blank), short lists inline.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => Number(d),
        float f => Number(f),
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => Inline(items),
        _ => value.ToString() ?? "",
    };

    private static string Number(double d)
    {
        if (double.IsNaN(d))
        {
            return "";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.Round(d) && Math.Abs(d) < 1e15)
        {
            return d.ToString("0", CultureInfo.InvariantCulture);
        }
        return Math.Abs(d) >= 100 ? d.ToString("0.#", CultureInfo.InvariantCulture) : d.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private static string Inline(IEnumerable items)
    {
        var values = items.Cast<object?>().Take(7).Select(Cell).ToList();
        return values.Count > 6 ? string.Join(", ", values.Take(6)) + ", …" : string.Join(", ", values);
    }

    private static Dictionary<string, string> Error(Exception? exception) => new()
    {
        ["ename"] = exception?.GetType().Name ?? "Exception",
        ["evalue"] = exception?.Message ?? "unknown error",
        ["traceback"] = exception?.ToString() ?? "",
    };

    private static void Emit(string kind, Dictionary<string, string> data)
    {
        var payload = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(data));
        Console.Out.Flush();
        Console.WriteLine($"{Marker}{kind} {payload}");
        Console.Out.Flush();
    }
}
