using JourneyML.Core.Data;
using System.Text;
using JourneyML.Core.Registry;

namespace JourneyML.Core.Reports;

/// <summary>
/// The human-readable report of a training run, made from its <see cref="ModelMetadata"/> alone: for the data
/// scientist handing the models over and for the CS lead deciding whether to trust the list.
/// </summary>
public static class TrainingReport
{
    public const string MarkdownFileName = "report.md";
    public const string HtmlFileName = "report.html";
    public const string ChartsFolder = "charts";

    /// <summary>
    /// GitHub-flavoured Markdown for a wiki or a ticket. It reads on its own as text (every chart's numbers are also in a
    /// table); its images link to <c>charts/*.png</c>, which <see cref="Write"/> puts beside it.
    /// </summary>
    public static string Markdown(ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return MarkdownRenderer.Render(ReportBuilder.Build(metadata));
    }

    /// <summary>One self-contained HTML page: styles inline and charts embedded as PNG, so it opens offline as a single file.</summary>
    public static string Html(ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return HtmlRenderer.Render(ReportBuilder.Build(metadata));
    }

    /// <summary>Writes report.md, report.html and the charts the Markdown links to into <paramref name="directory"/> (the version folder).</summary>
    public static void Write(ModelMetadata metadata, string directory)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var document = ReportBuilder.Build(metadata);
        Directory.CreateDirectory(Path.Combine(directory, ChartsFolder));
        foreach (var chart in document.Charts)
        {
            AtomicFile.WriteAllBytes(Path.Combine(directory, chart.RelativePath), chart.Png.Value);
        }
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        AtomicFile.WriteAllBytes(Path.Combine(directory, MarkdownFileName), utf8.GetBytes(MarkdownRenderer.Render(document)));
        AtomicFile.WriteAllBytes(Path.Combine(directory, HtmlFileName), utf8.GetBytes(HtmlRenderer.Render(document)));
    }
}
