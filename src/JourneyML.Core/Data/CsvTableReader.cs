using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace JourneyML.Core.Data;

/// <summary>
/// CSV as spreadsheets and CRM tools write it: RFC 4180 quoting (quoted delimiters, doubled quotes, quoted line breaks),
/// a header row, and the encoding and delimiter either named (<see cref="CsvFormat"/>) or detected once per file:
/// <list type="bullet">
/// <item>Encoding: a byte order mark wins (UTF-8, UTF-16 LE/BE, UTF-32 LE). Else the named encoding. Else the first
/// <see cref="DetectionBytes"/> bytes (the whole file when smaller) decide: valid UTF-8 is UTF-8 (plain ASCII included);
/// otherwise, bytes that are valid Shift_JIS (CP932) and read as Japanese text are Shift_JIS; otherwise UTF-8, and the first
/// byte that does not decode is reported with its row and column.</item>
/// <item>Delimiter: the named one; else Excel's <c>sep=</c> first line; else, of comma, tab, semicolon and pipe, the one
/// found in the header outside quotes; when several are, the one that gives the header's field count on most of the
/// next lines (ties: more fields in the header, then that order; a .tsv file prefers tab).</item>
/// </list>
/// Every byte that does not decode is an error, never a silent replacement. A quoted field may span lines, but one still
/// open after <see cref="MaxQuotedLines"/> lines or <see cref="MaxQuotedChars"/> characters, or at the end of the file,
/// is a stray quote, reported at the line it began on. A quote inside an unquoted field (<c>ab"c</c>) is a literal
/// character, as in Excel.
/// </summary>
public sealed class CsvTableReader : TableReader
{
    public const int ChunkRows = 65_536;

    /// <summary>How many bytes encoding detection reads from the start of the file.</summary>
    public const int DetectionBytes = 1 << 20;

    /// <summary>The most lines one quoted field may span (Excel allows 253 line breaks in a cell).</summary>
    public const int MaxQuotedLines = 1_000;

    /// <summary>The most characters one multi-line quoted field may hold (three times Excel's cell limit of 32,767).</summary>
    public const int MaxQuotedChars = 100_000;

    private const int DelimiterSampleLines = 20;

    private readonly Dialect _dialect;
    private readonly CsvFormat _format;

    private CsvTableReader(string path, IReadOnlyList<string> columns, Dialect dialect, CsvFormat format) : base(path, columns)
    {
        _dialect = dialect;
        _format = format;
    }

    public override int PartitionCount => 1;

    /// <summary>The encoding the file is read with.</summary>
    public Encoding Encoding => _dialect.Encoding;

    /// <summary>The delimiter the file is read with.</summary>
    public char Delimiter => _dialect.Delimiter;

    /// <summary>What the reader found about a file before its rows: how to decode it, where its data begins.</summary>
    private sealed record Dialect(Encoding Encoding, string EncodingReason, int PreambleBytes, char Delimiter, string DelimiterReason, long HeaderLines);

    public static new CsvTableReader Open(string path, CsvFormat? format = null)
    {
        format ??= CsvFormat.Detect;
        var name = System.IO.Path.GetFileName(path);
        var (head, wholeFile) = ReadHead(path);
        CheckNotBinaryContainer(name, head);
        var (encoding, reason, preamble) = ChooseEncoding(name, head, wholeFile, format);
        var lines = FirstLines(path, encoding, preamble, DelimiterSampleLines + 2);
        if (lines.Count == 0 || lines[0].Trim().Length == 0)
        {
            throw new DataFileException(name, "empty file: no header row");
        }
        var (delimiter, delimiterReason, skip) = ChooseDelimiter(path, lines, format);
        var dialect = new Dialect(encoding, reason, preamble, delimiter, delimiterReason, skip);
        var (columns, headerLines) = ReadHeader(path, name, dialect, format);
        return new CsvTableReader(path, columns, dialect with { HeaderLines = headerLines }, format);
    }

    /// <summary>The delimiter, why it was chosen (for messages), and how many lines come before the header.</summary>
    private static (char Delimiter, string Reason, long SkipLines) ChooseDelimiter(string path, List<string> lines, CsvFormat format)
    {
        if (format.Delimiter is { } named)
        {
            return (named, $"named by {format.DelimiterSource}", 0);
        }
        if (lines[0].Length == 5 && lines[0].StartsWith("sep=", StringComparison.OrdinalIgnoreCase))
        {
            // Excel's own hint line: "sep=;" names the delimiter, and the header follows it.
            return (lines[0][4], "named by the file's sep= line", 1);
        }
        bool tsv = System.IO.Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase);
        return (DetectDelimiter(lines, tsv), "detected from the header row", 0);
    }

    private static (byte[] Head, bool WholeFile) ReadHead(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[(int)Math.Min(stream.Length, DetectionBytes)];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return (head.AsSpan(0, n).ToArray(), n == stream.Length);
    }

    private static void CheckNotBinaryContainer(string name, byte[] head)
    {
        if (head.AsSpan().StartsWith("PAR1"u8))
        {
            throw new DataFileException(name, "wrong file type: this is a Parquet file named .csv; rename it to .parquet");
        }
        if (head.Length >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K')
        {
            throw new DataFileException(name, "wrong file type: this looks like a spreadsheet or zip archive, not CSV; export it as CSV");
        }
    }

    /// <summary>The encoding, why it was chosen (for messages), and the length of the byte order mark to skip.</summary>
    private static (Encoding Encoding, string Reason, int Preamble) ChooseEncoding(string name, byte[] head, bool wholeFile, CsvFormat format)
    {
        var span = head.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (TextEncodings.Parse("utf-8", "BOM"), "the file starts with a UTF-8 byte order mark", 3);
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (new UTF32Encoding(bigEndian: false, byteOrderMark: false), "the file starts with a UTF-32 byte order mark", 4);
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (TextEncodings.Parse("utf-16", "BOM"), "the file starts with a UTF-16 (little-endian) byte order mark", 2);
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (TextEncodings.Parse("utf-16be", "BOM"), "the file starts with a UTF-16 (big-endian) byte order mark", 2);
        }
        if (format.Encoding is { } named)
        {
            if (named is not (UnicodeEncoding or UTF32Encoding))
            {
                CheckText(name, span, format);
            }
            return (named, $"named by {format.EncodingSource}", 0);
        }
        CheckText(name, span, format);
        if (IsUtf8(span, wholeFile))
        {
            return (TextEncodings.Parse("utf-8", "detection"), $"detected: no byte order mark, and the first {Describe(span.Length, wholeFile)} is valid UTF-8", 0);
        }
        if (ReadsAsJapanese(span, wholeFile))
        {
            return (TextEncodings.ShiftJis, $"detected: no byte order mark, and the first {Describe(span.Length, wholeFile)} is Shift_JIS, not UTF-8", 0);
        }
        return (TextEncodings.Parse("utf-8", "detection"), "the default: no byte order mark, and the bytes are neither valid UTF-8 nor Shift_JIS", 0);
    }

    private static string Describe(int bytes, bool wholeFile) =>
        wholeFile ? "whole file" : $"{bytes / (1 << 20)} MB";

    /// <summary>NUL bytes mean binary content, or UTF-16 text without a byte order mark (then say how to name it).</summary>
    private static void CheckText(string name, ReadOnlySpan<byte> head, CsvFormat format)
    {
        int nul = head.IndexOf((byte)0);
        if (nul < 0)
        {
            return;
        }
        int pairs = Math.Min(head.Length, 512) / 2, oddZeros = 0, evenZeros = 0;
        for (int i = 0; i < pairs; i++)
        {
            evenZeros += head[2 * i] == 0 ? 1 : 0;
            oddZeros += head[2 * i + 1] == 0 ? 1 : 0;
        }
        string? utf16 = oddZeros > pairs / 3 && evenZeros == 0 ? "utf-16" : evenZeros > pairs / 3 && oddZeros == 0 ? "utf-16be" : null;
        throw new DataFileException(name, utf16 is null
            ? "wrong file type: binary content, not CSV text"
            : $"this looks like UTF-16 text without a byte order mark; name its encoding: {format.HowToName("encoding", utf16)}");
    }

    /// <summary>Valid UTF-8, allowing a character cut in two at the end of a sample that is not the whole file.</summary>
    private static bool IsUtf8(ReadOnlySpan<byte> sample, bool wholeFile)
    {
        if (Utf8.IsValid(sample))
        {
            return true;
        }
        for (int cut = 1; !wholeFile && cut <= 3 && cut < sample.Length; cut++)
        {
            if (Utf8.IsValid(sample[..^cut]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Valid Shift_JIS (CP932) whose non-ASCII characters are mostly Japanese script: a Western European file
    /// (Windows-1252) can pass as Shift_JIS byte for byte, but reads as a scatter of unrelated kanji and symbols.
    /// </summary>
    private static bool ReadsAsJapanese(ReadOnlySpan<byte> sample, bool wholeFile)
    {
        TextEncodings.EnsureRegistered();
        var strict = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        for (int cut = 0; cut <= (wholeFile ? 0 : 1); cut++)
        {
            try
            {
                var text = strict.GetString(sample[..^cut]);
                int japanese = 0, other = 0;
                foreach (char c in text)
                {
                    if (c < 0x80)
                    {
                        continue;
                    }
                    if (c is >= '\u3000' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF' or >= '\uFF00' and <= '\uFFEF')
                    {
                        japanese++;
                    }
                    else
                    {
                        other++;
                    }
                }
                return japanese > 0 && japanese >= 4 * other;
            }
            catch (DecoderFallbackException)
            {
                // Try once more without the last byte: the sample may end between the two bytes of a character.
            }
        }
        return false;
    }

    /// <summary>The first physical lines, for delimiter detection (a decoding problem here is reported by the header read).</summary>
    private static List<string> FirstLines(string path, Encoding encoding, int preamble, int count)
    {
        using var reader = OpenText(path, encoding, preamble, 1 << 12);
        var lines = new List<string>(count);
        while (lines.Count < count && reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>
    /// Of comma, tab, semicolon and pipe: the only one in the header outside quotes; when several are, the one whose
    /// header field count the most sample lines share, then the one giving more header fields, then the order above.
    /// </summary>
    internal static char DetectDelimiter(IReadOnlyList<string> lines, bool preferTab)
    {
        char best = preferTab ? '\t' : ',';
        int bestAgreeing = -1, bestFields = 0;
        foreach (char candidate in preferTab ? (char[])['\t', ',', ';', '|'] : CsvFormat.Delimiters)
        {
            int fields = CountOutsideQuotes(lines[0], candidate);
            if (fields == 0)
            {
                continue;
            }
            int agreeing = lines.Skip(1).Count(l => l.Length > 0 && CountOutsideQuotes(l, candidate) == fields);
            if (agreeing > bestAgreeing || (agreeing == bestAgreeing && fields > bestFields))
            {
                (best, bestAgreeing, bestFields) = (candidate, agreeing, fields);
            }
        }
        return best;
    }

    private static int CountOutsideQuotes(string line, char delimiter)
    {
        int count = 0;
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == delimiter && !quoted)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The header's column names (trimmed, each once) and the line the data begins after.</summary>
    private static (List<string> Columns, long HeaderLines) ReadHeader(string path, string name, Dialect dialect, CsvFormat format)
    {
        using var text = OpenText(path, dialect, out var marks);
        var parser = new CsvRecordParser(text, dialect.Delimiter, name, i => $"field {i + 1}", marks);
        parser.SkipLines(dialect.HeaderLines);
        var columns = new List<string>();
        parser.Read(columns, out long headerLine);
        int marked = columns.FindIndex(c => c.Contains(DecodingMarks.Mark));
        if (marked >= 0)
        {
            throw Undecodable(path, headerLine, null, marks, dialect, format, $"in the header row (field {marked + 1})");
        }
        if (columns.Count == 0 || columns.All(string.IsNullOrWhiteSpace))
        {
            throw new DataFileException(name, "empty file: no header row");
        }
        for (int i = 0; i < columns.Count; i++)
        {
            columns[i] = columns[i].Trim();
        }
        var duplicate = columns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DataFileException(name, "the header names this column twice", duplicate.Key);
        }
        return (columns, parser.Line);
    }

    private static StreamReader OpenText(string path, Encoding encoding, int preamble, int bufferSize)
    {
        // Unbuffered file, one large decode buffer; the encoding was chosen already, so no byte order mark detection here.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        stream.Position = preamble;
        return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize);
    }

    /// <summary>A reader whose every undecodable byte becomes a marked character, so the row and column can be named.</summary>
    private static StreamReader OpenText(string path, Dialect dialect, out DecodingMarks marks)
    {
        marks = new DecodingMarks();
        var encoding = (Encoding)dialect.Encoding.Clone();
        encoding.DecoderFallback = marks;
        return OpenText(path, encoding, dialect.PreambleBytes, 1 << 16);
    }

    public override IEnumerable<TableChunk> ReadPartition(int partition, IReadOnlyList<string?> wanted)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(partition, 0);
        var indexes = wanted.Select(w => w is null ? -1 : IndexOf(w)).ToArray();
        var names = wanted.Select(w => w ?? "").ToArray();
        using var text = OpenText(Path, _dialect, out var marks);
        var parser = new CsvRecordParser(text, _dialect.Delimiter, FileName, ColumnName, marks);
        parser.SkipLines(_dialect.HeaderLines);
        var fields = new List<string>(Columns.Count + 4);
        string?[][] buffers = NewBuffers(indexes);
        var lineNumbers = new long[ChunkRows];
        int count = 0;
        bool anyRow = false;
        while (parser.Read(fields, out long rowLine))
        {
            if (marks.Fired)
            {
                ThrowIfUndecodable(fields, rowLine, marks);
            }
            if (IsBlank(fields))
            {
                continue; // blank lines, and rows of nothing but delimiters (what spreadsheets write for empty rows), carry no row
            }
            anyRow = true;
            if (fields.Count != Columns.Count)
            {
                // A row with the wrong number of fields is reported by the table readers as a malformed row.
                for (int c = 0; c < indexes.Length; c++)
                {
                    if (buffers[c].Length > 0)
                    {
                        buffers[c][count] = null;
                    }
                }
                lineNumbers[count] = -rowLine; // negative marks "malformed"
            }
            else
            {
                for (int c = 0; c < indexes.Length; c++)
                {
                    if (indexes[c] >= 0)
                    {
                        buffers[c][count] = fields[indexes[c]];
                    }
                }
                lineNumbers[count] = rowLine;
            }
            count++;
            if (count == ChunkRows)
            {
                yield return MakeChunk(buffers, lineNumbers, count, names);
                buffers = NewBuffers(indexes);
                lineNumbers = new long[ChunkRows];
                count = 0;
            }
        }
        if (!anyRow)
        {
            throw new DataFileException(FileName, "empty file: a header but no rows");
        }
        if (count > 0)
        {
            yield return MakeChunk(buffers, lineNumbers, count, names);
        }
    }

    private static bool IsBlank(List<string> fields)
    {
        if (fields.Count == 0)
        {
            return true;
        }
        if (fields[0].Length > 0 && !char.IsWhiteSpace(fields[0][0]))
        {
            return false; // the common case, decided without a scan
        }
        foreach (var field in fields)
        {
            if (!string.IsNullOrWhiteSpace(field))
            {
                return false;
            }
        }
        return true;
    }

    private string ColumnName(int field) => field < Columns.Count ? Columns[field] : $"field {field + 1}";

    /// <summary>Once a byte failed to decode, the first row holding its mark is where it was.</summary>
    private void ThrowIfUndecodable(List<string> fields, long row, DecodingMarks marks)
    {
        for (int f = 0; f < fields.Count; f++)
        {
            if (fields[f].Contains(DecodingMarks.Mark))
            {
                throw Undecodable(Path, row, ColumnName(f), marks, _dialect, _format, null);
            }
        }
    }

    private static DataFileException Undecodable(string path, long row, string? column, DecodingMarks marks, Dialect dialect,
        CsvFormat format, string? where)
    {
        var file = System.IO.Path.GetFileName(path);
        var bytes = string.Join(' ', marks.FirstBytes.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
        var encoding = TextEncodings.NameOf(dialect.Encoding);
        string example = dialect.Encoding.CodePage == 932 ? "utf-8" : "shift_jis";
        bool shiftJis = dialect.Encoding.CodePage != 932 && LineBytes(path, dialect, row) is { } line && ReadsAsJapanese(line, wholeFile: true);
        var reason = $"undecodable text{(where is null ? "" : " " + where)}: byte(s) {bytes} are not valid {encoding} " +
            $"(read as {encoding}, {dialect.EncodingReason})." +
            (shiftJis ? " The row reads as Japanese text in Shift_JIS (as Excel and Japanese CRM tools save CSV)." : "") +
            $" If the file was saved in another encoding, name it: {format.HowToName("encoding", example)}; " +
            "utf-8, utf-16, shift_jis (cp932), windows-1252 (Western European Excel) and other .NET encoding names are understood";
        return new DataFileException(file, reason, column, row);
    }

    /// <summary>
    /// The raw bytes of one line (1-based) of an ASCII-compatible file, to say what an undecodable row looks like; read on
    /// the error path only, in one pass up to that line. Null for UTF-16 and UTF-32, whose line breaks are not single bytes.
    /// </summary>
    private static byte[]? LineBytes(string path, Dialect dialect, long line)
    {
        if (dialect.Encoding is UnicodeEncoding or UTF32Encoding)
        {
            return null;
        }
        using var stream = File.OpenRead(path);
        stream.Position = dialect.PreambleBytes;
        var buffer = new byte[1 << 16];
        var bytes = new List<byte>();
        long at = 1;
        int n;
        while (at <= line && (n = stream.Read(buffer)) > 0)
        {
            var block = buffer.AsSpan(0, n);
            while (block.Length > 0 && at <= line)
            {
                int end = block.IndexOf((byte)'\n');
                var part = end < 0 ? block : block[..end];
                if (at == line && bytes.Count < 1 << 16)
                {
                    bytes.AddRange(part.TrimEnd((byte)'\r'));
                }
                if (end < 0)
                {
                    break;
                }
                at++;
                block = block[(end + 1)..];
            }
        }
        return [.. bytes];
    }

    public override string MissingColumnHint(string name)
    {
        foreach (char other in CsvFormat.Delimiters.Where(d => d != _dialect.Delimiter))
        {
            if (!Columns.Any(c => c.Contains(other)))
            {
                continue;
            }
            bool found = Columns.SelectMany(c => c.Split(other)).Any(c => string.Equals(c.Trim().Trim('"'), name, StringComparison.OrdinalIgnoreCase));
            var used = CsvFormat.Describe(_dialect.Delimiter);
            return (found
                    ? $". The header looks split with the wrong delimiter: split at '{CsvFormat.Describe(other)}' it holds '{name}'."
                    : $". Its column names hold '{CsvFormat.Describe(other)}': is that the file's delimiter?")
                + $" The file was read with '{used}' ({_dialect.DelimiterReason}); name the delimiter: {_format.HowToName("delimiter", CsvFormat.Describe(other))}";
        }
        return "";
    }

    private TableChunk MakeChunk(string?[][] buffers, long[] lineNumbers, int count, string[] names)
    {
        var columns = new Array?[buffers.Length];
        for (int c = 0; c < buffers.Length; c++)
        {
            columns[c] = buffers[c].Length == 0 ? null : buffers[c];
        }
        return new TableChunk(FileName, Math.Abs(lineNumbers[0]), count, columns, names) { LineNumbers = lineNumbers };
    }

    private static string?[][] NewBuffers(int[] indexes) =>
        [.. indexes.Select(i => i >= 0 ? new string?[ChunkRows] : [])];
}

/// <summary>
/// Splits a CSV text into records, in one pass over each character: a line without a quote is split directly; a quoted
/// field is scanned from quote to quote, reading on over line breaks until it closes, within the bounds of
/// <see cref="CsvTableReader.MaxQuotedLines"/> and <see cref="CsvTableReader.MaxQuotedChars"/>.
/// </summary>
internal sealed class CsvRecordParser(TextReader reader, char delimiter, string file, Func<int, string> columnName, DecodingMarks? marks = null)
{
    private readonly StringBuilder _quoted = new();

    /// <summary>The physical lines read so far (the number of the last line read).</summary>
    public long Line { get; private set; }

    public void SkipLines(long lines)
    {
        for (long i = 0; i < lines && reader.ReadLine() is not null; i++)
        {
            Line++;
        }
    }

    /// <summary>The next record's fields (none for a blank line) and the line it starts on; false at the end of the text.</summary>
    public bool Read(List<string> fields, out long startLine)
    {
        fields.Clear();
        var text = reader.ReadLine();
        if (text is null)
        {
            startLine = Line;
            return false;
        }
        startLine = ++Line;
        if (text.Length == 0)
        {
            return true;
        }
        if (text.Contains('"'))
        {
            SplitQuoted(text, startLine, fields);
        }
        else
        {
            SplitPlain(text, 0, fields);
        }
        return true;
    }

    private void SplitPlain(string text, int start, List<string> fields)
    {
        while (true)
        {
            int end = text.IndexOf(delimiter, start);
            if (end < 0)
            {
                fields.Add(text[start..]);
                return;
            }
            fields.Add(text[start..end]);
            start = end + 1;
        }
    }

    private void SplitQuoted(string text, long startLine, List<string> fields)
    {
        int i = 0;
        while (true)
        {
            if (i < text.Length && text[i] == '"')
            {
                text = ReadQuotedField(text, ref i, fields.Count);
                // Anything between the closing quote and the delimiter is kept as written, as spreadsheets do.
                int end = text.IndexOf(delimiter, i);
                _quoted.Append(text, i, (end < 0 ? text.Length : end) - i);
                fields.Add(_quoted.ToString());
                if (end < 0)
                {
                    return;
                }
                i = end + 1;
            }
            else
            {
                // An unquoted field: a quote inside it is a literal character.
                int end = text.IndexOf(delimiter, i);
                if (end < 0)
                {
                    fields.Add(text[i..]);
                    return;
                }
                fields.Add(text[i..end]);
                i = end + 1;
            }
        }
    }

    /// <summary>
    /// Reads a quoted field starting at <paramref name="i"/> (its opening quote) into the builder; returns the line it
    /// closes on, with <paramref name="i"/> just past the closing quote.
    /// </summary>
    private string ReadQuotedField(string text, ref int i, int field)
    {
        _quoted.Clear();
        long began = Line;
        i++;
        while (true)
        {
            int quote = text.IndexOf('"', i);
            if (quote < 0)
            {
                _quoted.Append(text, i, text.Length - i).Append('\n');
                var next = reader.ReadLine();
                if (next is null)
                {
                    throw Unbalanced(began, field, $"it is still open at the end of the file (line {Line:N0})");
                }
                Line++;
                if (Line - began + 1 > CsvTableReader.MaxQuotedLines)
                {
                    throw Unbalanced(began, field, $"it is still open after {CsvTableReader.MaxQuotedLines:N0} lines (a quoted field may hold line breaks, but not that many)");
                }
                if (_quoted.Length > CsvTableReader.MaxQuotedChars)
                {
                    throw Unbalanced(began, field, $"it is still open after {CsvTableReader.MaxQuotedChars:N0} characters over {Line - began + 1:N0} lines");
                }
                (text, i) = (next, 0);
                continue;
            }
            _quoted.Append(text, i, quote - i);
            if (quote + 1 < text.Length && text[quote + 1] == '"')
            {
                _quoted.Append('"');
                i = quote + 2;
                continue;
            }
            i = quote + 1;
            return text;
        }
    }

    private DataFileException Unbalanced(long began, int field, string why)
    {
        // A stray quote can come from a mis-decoded file too: say so when a byte did not decode.
        var decoding = marks is { Fired: true } ? " (some bytes of the file did not decode: check its encoding)" : "";
        return new DataFileException(file,
            $"unbalanced quote: the quoted field that begins on line {began:N0} never closes: {why}. A quote that opens a field " +
            $"needs a closing quote, and a quote inside a quoted value is written twice (\"\"); fix the quote on line {began:N0}{decoding}",
            columnName(field), began);
    }
}

/// <summary>
/// A decoder fallback that turns each undecodable byte sequence into <see cref="Mark"/> (a noncharacter that no export
/// holds) and remembers the first one, so the reader can name the row and column instead of passing on mojibake.
/// </summary>
internal sealed class DecodingMarks : DecoderFallback
{
    public const char Mark = '\uFDD0';
    private static readonly DecoderReplacementFallback s_replacement = new(Mark.ToString());

    /// <summary>Whether any byte failed to decode (read by the reader's thread only, the one decoding).</summary>
    public bool Fired { get; private set; }

    public byte[] FirstBytes { get; private set; } = [];

    public override int MaxCharCount => 1;

    public override DecoderFallbackBuffer CreateFallbackBuffer() => new MarkingBuffer(this, s_replacement.CreateFallbackBuffer());

    private void Record(byte[] bytes)
    {
        if (!Fired)
        {
            Fired = true;
            FirstBytes = [.. bytes];
        }
    }

    private sealed class MarkingBuffer(DecodingMarks owner, DecoderFallbackBuffer inner) : DecoderFallbackBuffer
    {
        public override int Remaining => inner.Remaining;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            owner.Record(bytesUnknown);
            return inner.Fallback(bytesUnknown, index);
        }

        public override char GetNextChar() => inner.GetNextChar();

        public override bool MovePrevious() => inner.MovePrevious();

        public override void Reset() => inner.Reset();
    }
}
