using System.Text.RegularExpressions;

namespace JourneyML.Docs.Tests.Readme;

/// <summary>A fenced code block of a Markdown file: its language, its text, and the line its first content line is on.</summary>
internal sealed record CodeBlock(string Language, string Content, int Line)
{
    /// <summary>Each content line with its line number in the file.</summary>
    public IEnumerable<(string Text, int Line)> Lines() => Content.Split('\n').Select((text, i) => (text, Line + i));
}

/// <summary>Just enough Markdown for the docs tests: fenced code blocks, a generated section between markers, and links.</summary>
internal static partial class Markdown
{
    [GeneratedRegex(@"^```(\S*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    public static IReadOnlyList<CodeBlock> CodeBlocks(string markdown)
    {
        var lines = Normalise(markdown).Split('\n');
        var blocks = new List<CodeBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].TrimEnd() != "```")
            {
                end++;
            }
            blocks.Add(new CodeBlock(open.Groups[1].Value, string.Join('\n', lines[start..end]), start + 1));
            i = end;
        }
        return blocks;
    }

    /// <summary>The text between two marker lines (exclusive), or null when the markers are missing.</summary>
    public static string? Section(string markdown, string begin, string end)
    {
        var text = Normalise(markdown);
        int from = text.IndexOf(begin, StringComparison.Ordinal);
        int to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            return null;
        }
        from += begin.Length;
        return text[from..to].Trim('\n');
    }

    public static string ReplaceSection(string markdown, string begin, string end, string content)
    {
        var text = Normalise(markdown);
        int from = text.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
        int to = text.IndexOf(end, StringComparison.Ordinal);
        return text[..from] + "\n" + content.Trim('\n') + "\n" + text[to..];
    }

    /// <summary>Relative link targets (no scheme, no pure anchors), without their #anchor.</summary>
    public static IEnumerable<string> RelativeLinks(string markdown) =>
        Link().Matches(markdown).Select(m => m.Groups[1].Value)
            .Where(target => !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(target => target.Split('#')[0]);

    public static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
