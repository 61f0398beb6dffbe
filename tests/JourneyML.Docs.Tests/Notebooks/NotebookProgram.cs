using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace JourneyML.Docs.Tests.Notebooks;

/// <summary>
/// Turns a notebook's code cells into one .NET file-based program: directives first (<c>#:project</c> pointing at the
/// JourneyML library), every cell's <c>using</c> directives lifted to the top (C# wants them before any statement),
/// then the cells in order as top-level statements, each after a marker call and a <c>#line</c> directive naming the
/// notebook and cell, so compiler errors and stack traces point at "02-....ipynb, cell 5" and the line in that cell.
/// Polyglot-only lines (<c>#r</c>, <c>#i</c>, <c>#!</c> magic commands) are blanked: the project reference stands in for them.
/// Lines are blanked rather than removed so line numbers inside a cell stay true.
/// </summary>
internal static partial class NotebookProgram
{
    public const string DisplayClass = "JourneyML.Docs.Tests.Notebooks.NotebookDisplay";

    [GeneratedRegex(@"^\s*using\s+(static\s+)?(?!var\b)[A-Za-z_][\w.]*(\s*=\s*[\w.<>, ]+)?\s*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^\s*#(r|i|!)\b")]
    private static partial Regex PolyglotDirective();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;\s*$", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    /// <summary>The name a cell carries in compiler errors and stack traces.</summary>
    public static string CellFile(string notebook, int cell) => $"{notebook}, cell {cell.ToString(CultureInfo.InvariantCulture)}";

    /// <param name="otherProjects">Further projects the notebooks use beside Core (the sample generator, for the sample's known truth).</param>
    public static string Generate(string notebookName, IReadOnlyList<string> cells, string coreProject, IReadOnlyList<string>? otherProjects = null)
    {
        var usings = new List<string>();
        var body = new StringBuilder();
        for (int c = 0; c < cells.Count; c++)
        {
            int number = c + 1;
            body.Append(DisplayClass).Append(".BeginCell(").Append(number.ToString(CultureInfo.InvariantCulture)).Append(");\n");
            body.Append("#line 1 \"").Append(CellFile(notebookName, number)).Append("\"\n");
            foreach (var line in cells[c].Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                if (UsingDirective().IsMatch(line))
                {
                    usings.Add(line.Trim());
                    body.Append('\n');
                }
                else if (PolyglotDirective().IsMatch(line))
                {
                    body.Append('\n');
                }
                else
                {
                    body.Append(line).Append('\n');
                }
            }
            body.Append("#line default\n");
        }
        body.Append(DisplayClass).Append(".End();\n");

        var (displayUsings, displayTypes) = DisplaySource();
        var program = new StringBuilder();
        program.Append("#:project ").Append(coreProject).Append('\n');
        foreach (var project in otherProjects ?? [])
        {
            program.Append("#:project ").Append(project).Append('\n');
        }
        // Reflection in the display helper, and no native AOT for a throwaway program; warnings fail the run, as in the solution.
        program.Append("#:property PublishAot=false\n");
        program.Append("#:property TreatWarningsAsErrors=true\n");
        foreach (var directive in displayUsings.Concat(usings).Distinct(StringComparer.Ordinal))
        {
            program.Append(directive).Append('\n');
        }
        program.Append("using static ").Append(DisplayClass).Append(";\n");
        program.Append(body);
        program.Append(displayTypes);
        return program.ToString();
    }

    /// <summary>The display helper's source, split into its using directives and its types (in a block-scoped namespace, which may follow top-level statements).</summary>
    internal static (IReadOnlyList<string> Usings, string Types) DisplaySource()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("NotebookDisplay.cs")
            ?? throw new InvalidOperationException("embedded NotebookDisplay.cs is missing");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var usings = lines.Where(l => UsingDirective().IsMatch(l)).Select(l => l.Trim()).ToList();
        var rest = string.Join('\n', lines.Where(l => !UsingDirective().IsMatch(l)));
        var types = FileScopedNamespace().Replace(rest, "namespace $1\n{") + "\n}\n";
        return (usings, types);
    }
}
