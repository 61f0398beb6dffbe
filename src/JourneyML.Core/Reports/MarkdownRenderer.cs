using System.Text;

namespace JourneyML.Core.Reports;

/// <summary>GitHub-flavoured Markdown for a wiki or a ticket; charts are links to PNG files written beside it.</summary>
internal static class MarkdownRenderer
{
    public static string Render(ReportDocument document)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(document.Title)).Append("\n\n");
        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    md.Append('#', Math.Clamp(h.Level, 2, 6)).Append(' ').Append(Escape(h.Text)).Append("\n\n");
                    break;
                case ParagraphBlock p:
                    if (p.Label is not null)
                    {
                        md.Append("**").Append(Escape(p.Label)).Append("** ");
                    }
                    md.Append(Escape(p.Text)).Append("\n\n");
                    break;
                case FactsBlock f:
                    foreach (var item in f.Items)
                    {
                        md.Append("- **").Append(Escape(item.Label)).Append(":** ").Append(Escape(item.Value)).Append('\n');
                    }
                    md.Append('\n');
                    break;
                case TableBlock t:
                    WriteTable(md, t);
                    break;
                case ChartBlock c:
                    md.Append("![").Append(Escape(c.Caption)).Append("](").Append(c.RelativePath).Append(")\n\n");
                    break;
                default:
                    throw new InvalidOperationException($"no Markdown for {block.GetType().Name}");
            }
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static void WriteTable(StringBuilder md, TableBlock table)
    {
        md.Append('|');
        foreach (var column in table.Columns)
        {
            md.Append(' ').Append(Cell(column.Header)).Append(" |");
        }
        md.Append("\n|");
        foreach (var column in table.Columns)
        {
            md.Append(column.Numeric ? " ---: |" : " --- |");
        }
        md.Append('\n');
        foreach (var row in table.Rows)
        {
            md.Append('|');
            foreach (var cell in row.Cells)
            {
                md.Append(' ').Append(Cell(cell)).Append(" |");
            }
            md.Append('\n');
        }
        md.Append('\n');
    }

    /// <summary>A table cell: one line, pipes escaped (a pipe in a segment name would otherwise split the row).</summary>
    private static string Cell(string text) => Escape(text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>
    /// Backslash-escapes what Markdown would read as markup or raw HTML (names and descriptions come from data);
    /// underscores stay, since feature names are full of them and GitHub does not emphasise inside words.
    /// </summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '\\' or '*' or '`' or '[' or ']' or '<' or '>' or '#' or '~')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
