using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using JourneyML.Core.Data;
using JourneyML.Core.Reports;
using SkiaSharp;
using Xunit.Abstractions;

namespace JourneyML.Core.Tests.Reports;

public sealed partial class TrainingReportTests(ITestOutputHelper output)
{
    private static readonly Lazy<string> s_html = new(() => TrainingReport.Html(SampleReportMetadata.Create()));
    private static readonly Lazy<string> s_markdown = new(() => TrainingReport.Markdown(SampleReportMetadata.Create()));

    [GeneratedRegex("""src="data:image/png;base64,([A-Za-z0-9+/=]+)""")]
    private static partial Regex EmbeddedPng();

    [GeneratedRegex("""(?:src|href)\s*=\s*"([^"]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();

    [Fact]
    public void Html_opens_offline_with_nothing_fetched_from_outside()
    {
        string html = s_html.Value;
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        foreach (Match m in Reference().Matches(html))
        {
            string target = m.Groups[1].Value;
            Assert.True(target.StartsWith("data:image/png;base64,", StringComparison.Ordinal) || target.StartsWith('#'), $"external reference: {target[..Math.Min(80, target.Length)]}");
        }
        Assert.True(html.Length < 2_000_000, $"HTML is {html.Length:N0} characters");
    }

    [Fact]
    public void Html_has_every_section_and_what_a_reader_looks_for()
    {
        string html = s_html.Value;
        var metadata = SampleReportMetadata.Create();
        foreach (string id in new[] { "summary", "segments", "segments-k", "churn", "churn-holdout", "churn-calibration", "churn-lift", "churn-importance", "lead", "drift", "promotion" })
        {
            Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
        }
        foreach (var profile in metadata.Segmentation.Profiles)
        {
            Assert.Contains(WebUtility.HtmlEncode(profile.Name), html, StringComparison.Ordinal);
        }
        Assert.Contains(SampleReportMetadata.ChurnTrainer, html, StringComparison.Ordinal);
        Assert.Contains(SampleReportMetadata.LeadTrainer, html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"flagged\"><td>" + SampleReportMetadata.FlaggedFeature + "</td>", html, StringComparison.Ordinal);
        Assert.Contains("of the 5% highest-risk customers, " + Pct(metadata.Churn!.Holdout.PrecisionAtTop5) + " churned", html, StringComparison.Ordinal);
        Assert.Contains("promoted: this version is now the champion", html, StringComparison.Ordinal);
        Assert.Contains("ARI 0.912", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_embeds_png_charts_with_rendered_text()
    {
        var charts = EmbeddedPng().Matches(s_html.Value).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();
        output.WriteLine($"{charts.Count} charts, {string.Join(", ", charts.Select(c => $"{c.Length / 1024} KB"))}");
        Assert.True(charts.Count >= 7, $"{charts.Count} charts: expected k selection and ROC, calibration and lift for both tasks");
        foreach (var png in charts)
        {
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            using var bitmap = SKBitmap.Decode(png);
            Assert.NotNull(bitmap);
            var colours = new HashSet<uint>();
            for (int y = 0; y < bitmap.Height; y += 2)
            {
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    colours.Add((uint)bitmap.GetPixel(x, y));
                }
            }
            Assert.True(colours.Count > 10, $"only {colours.Count} distinct colours: the chart looks blank");
            // The bottom strip holds only the x-axis label and the top strip only the title: dark pixels there are glyphs.
            Assert.True(DarkPixels(bitmap, 0, bitmap.Height - 22, bitmap.Width, bitmap.Height) > 40, "no x-axis label text: fonts did not render");
            Assert.True(DarkPixels(bitmap, 0, 0, bitmap.Width, 22) > 40, "no title text: fonts did not render");
        }
    }

    [Fact]
    public void Special_characters_in_a_segment_name_are_escaped()
    {
        string html = s_html.Value, markdown = s_markdown.Value;
        Assert.DoesNotContain("<b>&</b>", html, StringComparison.Ordinal);
        Assert.Contains("Power users &lt;b&gt;&amp;&lt;/b&gt; &quot;pipes&quot; | &#39;quotes&#39;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", markdown, StringComparison.Ordinal);
        var row = markdown.Split('\n').Single(l => l.StartsWith("| 1 |", StringComparison.Ordinal) && l.Contains("Power users", StringComparison.Ordinal));
        Assert.Contains(@"Power users \<b\>&\</b\> ""pipes"" \| 'quotes'", row, StringComparison.Ordinal);
        // The row keeps its column count: the pipe in the name did not split a cell.
        int header = markdown.Split('\n').First(l => l.StartsWith("| Id |", StringComparison.Ordinal)).Count(c => c == '|');
        Assert.Equal(header, Regex.Matches(row, @"(?<!\\)\|").Count);
    }

    [Fact]
    public void Markdown_carries_the_same_key_numbers_as_the_html()
    {
        var metadata = SampleReportMetadata.Create();
        string html = s_html.Value, markdown = s_markdown.Value;
        var churn = metadata.Churn!.Holdout;
        var lead = metadata.Lead!.Holdout;
        var keys = new List<string>
        {
            metadata.Version, "2025-06-01", "90 days", "10,000", "8,230", Pct(metadata.Segmentation.Profiles[0].Share), "4,270",
            Ratio(churn.Auc), Ratio(churn.PrAuc), Pct(churn.PrecisionAtTop5), Pct(churn.RecallAtTop10), Ratio(churn.LogLoss),
            Ratio(lead.Auc), Pct(lead.PrecisionAtTop10), "0.310", "0.912", "0.870", "0.842",
            SampleReportMetadata.ChurnTrainer, SampleReportMetadata.LeadTrainer, SampleReportMetadata.FlaggedFeature,
        };
        foreach (string key in keys)
        {
            Assert.Contains(key, markdown, StringComparison.Ordinal);
            Assert.Contains(key, html, StringComparison.Ordinal);
        }
        foreach (string heading in new[] { "## Summary", "## Segments", "## Churn model", "## Lead model", "## Drift against the champion", "## Promotion gate" })
        {
            Assert.Contains(heading + "\n", markdown, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("data:image", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_parts_render_a_line_each_not_a_crash()
    {
        var metadata = SampleReportMetadata.Create() with { Lead = null, Drift = [], Promotion = null, GroundTruth = null };
        string markdown = TrainingReport.Markdown(metadata);
        string html = TrainingReport.Html(metadata);
        foreach (string text in new[] { markdown, html })
        {
            Assert.Contains("not trained: the data has no conversion label.", text, StringComparison.Ordinal);
            Assert.Contains("No drift check", text, StringComparison.Ordinal);
            Assert.Contains("No promotion decision was recorded", text, StringComparison.Ordinal);
        }
        Assert.Equal(4, EmbeddedPng().Matches(html).Count);
        Assert.DoesNotContain("lead-lift", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_puts_the_reports_and_every_linked_chart_in_the_version_folder()
    {
        string directory = Path.Combine(TempFolder.Create("report"), SampleReportMetadata.Create().Version);
        TrainingReport.Write(SampleReportMetadata.Create(), directory);
        string md = Path.Combine(directory, TrainingReport.MarkdownFileName), html = Path.Combine(directory, TrainingReport.HtmlFileName);
        Assert.True(File.Exists(md));
        Assert.True(File.Exists(html));
        foreach (Match link in Regex.Matches(File.ReadAllText(md), @"!\[[^\]]*\]\(([^)]+)\)"))
        {
            Assert.True(File.Exists(Path.Combine(directory, link.Groups[1].Value)), $"the Markdown links to {link.Groups[1].Value}, which was not written");
        }
        Assert.Empty(Directory.GetFiles(directory, "*" + AtomicFile.PartialSuffix, SearchOption.AllDirectories));
        output.WriteLine($"sample report: {html}");
        output.WriteLine($"report.html {new FileInfo(html).Length / 1024} KB, report.md {new FileInfo(md).Length / 1024} KB, charts " +
            string.Join(", ", Directory.GetFiles(Path.Combine(directory, TrainingReport.ChartsFolder)).Order(StringComparer.Ordinal)
                .Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / 1024} KB")));
    }

    [Fact]
    public void Charts_use_the_font_shipped_in_the_library()
    {
        using var typeface = ChartFonts.CreateTypeface();
        Assert.Equal(ChartFonts.Family, typeface.FamilyName);
        Assert.True(typeface.GlyphCount > 1000);
        ChartFonts.EnsureRegistered();
        Assert.Equal(ChartFonts.Family, ScottPlot.Fonts.Default);
    }

    private static int DarkPixels(SKBitmap bitmap, int left, int top, int right, int bottom)
    {
        int dark = 0;
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < right; x++)
            {
                var c = bitmap.GetPixel(x, y);
                dark += c.Red + c.Green + c.Blue < 200 ? 1 : 0;
            }
        }
        return dark;
    }

    private static string Pct(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Ratio(double value) => value.ToString("N3", CultureInfo.InvariantCulture);
}
