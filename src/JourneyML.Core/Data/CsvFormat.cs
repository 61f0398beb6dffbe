using System.Text;
using JourneyML.Core.Errors;

namespace JourneyML.Core.Data;

/// <summary>
/// How a CSV file is read: its text encoding and its field delimiter, each named (in the mapping file, or on the command
/// line for a ready feature table) or, when not named, detected from the file (see <see cref="CsvTableReader"/>).
/// </summary>
public sealed record CsvFormat
{
    /// <summary>Detect both: the defaults.</summary>
    public static readonly CsvFormat Detect = new();

    /// <summary>The delimiters detection chooses between, in the order ties are broken.</summary>
    public static readonly char[] Delimiters = [',', '\t', ';', '|'];

    /// <summary>The encoding as named (null: detected from a byte order mark, else UTF-8 or Shift_JIS by the bytes).</summary>
    public Encoding? Encoding { get; init; }

    /// <summary>The field delimiter as named (null: detected from the header row).</summary>
    public char? Delimiter { get; init; }

    /// <summary>Where the named settings came from, for messages (<c>"customers.encoding" in the mapping</c>, <c>--encoding</c>).</summary>
    public string? EncodingSource { get; init; }

    public string? DelimiterSource { get; init; }

    /// <summary>The mapping's name for the table this format is for (customers, events, outcomes), when it is one of those.</summary>
    public string? Table { get; init; }

    /// <summary>Named by command-line options (a ready feature table) rather than the mapping file.</summary>
    public bool FromCommandLine { get; init; }

    /// <summary>How a user names a setting (encoding or delimiter) for this file, with an example value, in a sentence's words.</summary>
    public string HowToName(string setting, string example)
    {
        if (FromCommandLine)
        {
            // Quoted where a shell would take the character for its own (";", "|").
            return example.All(c => char.IsLetterOrDigit(c) || c is '-' or '_') ? $"--{setting} {example}" : $"--{setting} \"{example}\"";
        }
        var json = $"\"{setting}\": \"{example}\"";
        return Table is null
            ? $"{json} in journeyml.json"
            : $"{json} in journeyml.json (every table) or \"{Table}\": {{ {json} }} (this table only)";
    }

    /// <summary>A ready feature table's format from the --encoding and --delimiter options (null: detect).</summary>
    public static CsvFormat FromOptions(string? encoding, string? delimiter) =>
        Parse(encoding, delimiter, "--encoding", "--delimiter") with { FromCommandLine = true };

    static CsvFormat() => TextEncodings.EnsureRegistered();

    /// <summary>A format from the names a user wrote; a bad name is an error naming <paramref name="source"/>.</summary>
    public static CsvFormat Parse(string? encoding, string? delimiter, string encodingSource, string delimiterSource) => new()
    {
        Encoding = encoding is null ? null : TextEncodings.Parse(encoding, encodingSource),
        EncodingSource = encoding is null ? null : encodingSource,
        Delimiter = delimiter is null ? null : ParseDelimiter(delimiter, delimiterSource),
        DelimiterSource = delimiter is null ? null : delimiterSource,
    };

    /// <summary>One character; "tab" or "\t" for a tab, and the names comma, semicolon and pipe.</summary>
    public static char ParseDelimiter(string text, string source) =>
        TryParseDelimiter(text, out char delimiter, out var reason) ? delimiter : throw new InvalidInputException($"{source}: {reason}");

    public static bool TryParseDelimiter(string text, out char delimiter, out string reason)
    {
        char? parsed = text.ToLowerInvariant() switch
        {
            "tab" or "\\t" or "\t" => '\t',
            "comma" => ',',
            "semicolon" => ';',
            "pipe" => '|',
            { Length: 1 } one when one[0] is not ('"' or '\r' or '\n') && !char.IsLetterOrDigit(one[0]) => one[0],
            _ => null,
        };
        delimiter = parsed ?? ',';
        reason = parsed is null ? $"'{text}' is not a delimiter (use \",\", \";\", \"|\" or \"tab\": one character, not a quote, letter or digit)" : "";
        return parsed is not null;
    }

    /// <summary>A delimiter as a person would write it in the mapping.</summary>
    public static string Describe(char delimiter) => delimiter == '\t' ? "tab" : delimiter.ToString();
}

/// <summary>The text encodings CSV exports come in, by the names people write.</summary>
public static class TextEncodings
{
    private static int s_registered;

    /// <summary>Shift_JIS as Excel and Windows write it: Microsoft's code page 932 (CP932, also called Windows-31J).</summary>
    public static Encoding ShiftJis => Get(932);

    /// <summary>Makes the code-page encodings (Shift_JIS, Windows-1252, EUC-JP...) available; safe to call more than once.</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        }
    }

    /// <summary>
    /// utf-8, utf-16 (little-endian; utf-16be for big-endian), shift_jis / cp932 / sjis / windows-31j, or any other name
    /// .NET knows (windows-1252, iso-8859-1, euc-jp, gb18030...).
    /// </summary>
    public static Encoding Parse(string name, string source) =>
        TryParse(name, out var encoding, out var reason) ? encoding : throw new InvalidInputException($"{source}: {reason}");

    public static bool TryParse(string name, out Encoding encoding, out string reason)
    {
        EnsureRegistered();
        reason = "";
        var key = name.Trim().ToLowerInvariant().Replace('_', '-');
        int? codePage = key switch
        {
            "utf-8" or "utf8" or "utf-8-sig" or "utf-8-bom" => 65001,
            "utf-16" or "utf16" or "utf-16le" or "utf-16-le" or "unicode" => 1200,
            "utf-16be" or "utf-16-be" => 1201,
            "shift-jis" or "shiftjis" or "sjis" or "cp932" or "ms932" or "windows-31j" or "windows-932" or "x-sjis" => 932,
            _ => null,
        };
        if (codePage is { } known)
        {
            encoding = Get(known);
            return true;
        }
        try
        {
            encoding = Encoding.GetEncoding(name.Trim());
            return true;
        }
        catch (ArgumentException)
        {
            encoding = Get(65001);
            reason = $"unknown encoding '{name}' (use utf-8, utf-16, shift_jis (cp932), or another name .NET knows such as windows-1252)";
            return false;
        }
    }

    /// <summary>How an encoding is named in the mapping file.</summary>
    public static string NameOf(Encoding encoding) => encoding.CodePage switch
    {
        65001 => "utf-8",
        1200 => "utf-16",
        1201 => "utf-16be",
        932 => "shift_jis",
        _ => encoding.WebName,
    };

    private static Encoding Get(int codePage)
    {
        EnsureRegistered();
        return codePage switch
        {
            65001 => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            1200 => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
            1201 => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
            _ => Encoding.GetEncoding(codePage),
        };
    }
}
