namespace JourneyML.Core.Reports;

/// <summary>
/// A rendered chart: its title and the PNG. What <see cref="ReportCharts"/> returns, so the same picture goes into the
/// training report, a notebook cell or a file. In Polyglot Notebooks <c>display(chart)</c> shows the image: the type
/// carries a convention-based formatter (see <see cref="ChartFormatterSource"/>), which needs no notebook package here.
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed record Chart(string Title, byte[] Png)
{
    /// <summary>The PNG as a data URI, for an &lt;img&gt; that needs nothing from outside.</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>A self-contained &lt;img&gt; element with the title as its alternative text.</summary>
    public string ToHtml() => $"<img src=\"{DataUri}\" alt=\"{System.Net.WebUtility.HtmlEncode(Title)}\">";

    /// <summary>Writes the PNG to a file (folders created as needed) and returns the path.</summary>
    public string Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllBytes(path, Png);
        return path;
    }

    public override string ToString() => $"Chart: {Title}";
}

/// <summary>
/// .NET Interactive's convention-based formatting: an attribute of this name on a type points the kernel at a source of
/// formatters (objects with a MIME type and <c>bool Format(object, TextWriter)</c>), found by name, not by reference.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    public string[] PreferredMimeTypes { get; set; } = [];
}

/// <summary>The formatters .NET Interactive asks a <see cref="Chart"/>'s formatter source for.</summary>
internal sealed class ChartFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => [new ChartFormatter("text/html"), new ChartFormatter("text/plain")];
}

internal sealed class ChartFormatter(string mimeType)
{
    public string MimeType { get; } = mimeType;

    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not Chart chart)
        {
            return false;
        }
        writer.Write(MimeType == "text/html" ? chart.ToHtml() : chart.ToString());
        return true;
    }
}
