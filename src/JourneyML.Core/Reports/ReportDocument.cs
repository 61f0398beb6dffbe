namespace JourneyML.Core.Reports;

/// <summary>
/// The report as a list of blocks, built once from the metadata and rendered to Markdown and to HTML, so both carry
/// the same words and numbers. Texts are plain: each renderer escapes them for its own format.
/// </summary>
internal sealed record ReportDocument(string Title, IReadOnlyList<ReportBlock> Blocks)
{
    public IEnumerable<ChartBlock> Charts => Blocks.OfType<ChartBlock>();
}

internal abstract record ReportBlock;

/// <summary>A heading; <paramref name="Id"/> is the HTML anchor (also the contents entry for level 2).</summary>
internal sealed record HeadingBlock(int Level, string Text, string Id) : ReportBlock;

/// <summary>A paragraph, optionally opened by a bold label ("Promotion:").</summary>
internal sealed record ParagraphBlock(string Text, string? Label = null) : ReportBlock;

/// <summary>Label and value pairs, rendered as a bulleted list.</summary>
internal sealed record FactsBlock(IReadOnlyList<Fact> Items) : ReportBlock;

internal sealed record Fact(string Label, string Value);

internal sealed record TableBlock(IReadOnlyList<TableColumn> Columns, IReadOnlyList<TableRow> Rows) : ReportBlock;

/// <summary>A column; numeric columns are right-aligned.</summary>
internal sealed record TableColumn(string Header, bool Numeric = false);

internal sealed record TableRow(IReadOnlyList<string> Cells, RowMark Mark = RowMark.None);

/// <summary>How a row stands out: the chosen candidate, or a warning (drift over the line, a failed gate).</summary>
internal enum RowMark
{
    None,
    Chosen,
    Flagged,
}

/// <summary>A chart: rendered on first use (the Markdown alone never needs the pixels). <paramref name="FileName"/> has no extension.</summary>
internal sealed record ChartBlock(string FileName, string Caption, Lazy<byte[]> Png) : ReportBlock
{
    public string RelativePath => "charts/" + FileName + ".png";
}
