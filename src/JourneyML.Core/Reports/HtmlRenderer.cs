using System.Net;
using System.Text;

namespace JourneyML.Core.Reports;

/// <summary>One self-contained HTML page: inline CSS, charts as base64 PNG; no scripts, fonts or links to anything outside.</summary>
internal static class HtmlRenderer
{
    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; line-height: 1.45; }
        main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
        h1 { font-size: 1.7em; border-bottom: 2px solid #d0d7de; padding-bottom: .3em; }
        h2 { font-size: 1.35em; margin-top: 2em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; }
        h3 { font-size: 1.1em; margin-top: 1.5em; }
        h4 { font-size: 1em; margin-top: 1.2em; color: #57606a; }
        nav ol { columns: 2; margin: 0; }
        table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .92em; }
        th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #f0f3f6; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.chosen td { background: #e6f4ea; font-weight: 600; }
        tr.flagged td { background: #fdecea; }
        ul.facts { padding-left: 1.2em; }
        figure { margin: 1em 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
        figcaption { font-size: .85em; color: #57606a; }
        """;

    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(document.Title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(E(document.Title)).Append("</h1>\n");
        WriteContents(html, document);
        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    int level = Math.Clamp(h.Level, 2, 6);
                    html.Append("<h").Append(level).Append(" id=\"").Append(E(h.Id)).Append("\">").Append(E(h.Text)).Append("</h").Append(level).Append(">\n");
                    break;
                case ParagraphBlock p:
                    html.Append("<p>");
                    if (p.Label is not null)
                    {
                        html.Append("<strong>").Append(E(p.Label)).Append("</strong> ");
                    }
                    html.Append(E(p.Text)).Append("</p>\n");
                    break;
                case FactsBlock f:
                    html.Append("<ul class=\"facts\">\n");
                    foreach (var item in f.Items)
                    {
                        html.Append("<li><strong>").Append(E(item.Label)).Append(":</strong> ").Append(E(item.Value)).Append("</li>\n");
                    }
                    html.Append("</ul>\n");
                    break;
                case TableBlock t:
                    WriteTable(html, t);
                    break;
                case ChartBlock c:
                    html.Append("<figure><img alt=\"").Append(E(c.Caption)).Append("\" src=\"data:image/png;base64,")
                        .Append(Convert.ToBase64String(c.Png.Value)).Append("\"><figcaption>").Append(E(c.Caption)).Append("</figcaption></figure>\n");
                    break;
                default:
                    throw new InvalidOperationException($"no HTML for {block.GetType().Name}");
            }
        }
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void WriteContents(StringBuilder html, ReportDocument document)
    {
        html.Append("<nav><ol>\n");
        foreach (var h in document.Blocks.OfType<HeadingBlock>().Where(h => h.Level == 2))
        {
            html.Append("<li><a href=\"#").Append(E(h.Id)).Append("\">").Append(E(h.Text)).Append("</a></li>\n");
        }
        html.Append("</ol></nav>\n");
    }

    private static void WriteTable(StringBuilder html, TableBlock table)
    {
        html.Append("<table>\n<thead><tr>");
        foreach (var column in table.Columns)
        {
            html.Append(column.Numeric ? "<th class=\"num\">" : "<th>").Append(E(column.Header)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append(row.Mark switch
            {
                RowMark.Chosen => "<tr class=\"chosen\">",
                RowMark.Flagged => "<tr class=\"flagged\">",
                _ => "<tr>",
            });
            for (int i = 0; i < row.Cells.Count; i++)
            {
                bool numeric = i < table.Columns.Count && table.Columns[i].Numeric;
                html.Append(numeric ? "<td class=\"num\">" : "<td>").Append(E(row.Cells[i])).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
