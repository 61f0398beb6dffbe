using System.CommandLine;
using System.Text;
using JourneyML.Cli;
using JourneyML.Tools;

namespace JourneyML.Docs.Tests.Readme;

/// <summary>
/// The README's CLI reference is the CLI's own help, command by command, and its tools reference the help of the commands
/// journeyml-tools adds (generate, bench). They are generated, not written: when one differs, the test fails; with
/// JOURNEYML_UPDATE_DOCS=1 it rewrites the section instead.
/// </summary>
public sealed class CliReferenceTests
{
    public const string Begin = "<!-- cli-reference:begin -->";
    public const string End = "<!-- cli-reference:end -->";
    public const string ToolsBegin = "<!-- tools-reference:begin -->";
    public const string ToolsEnd = "<!-- tools-reference:end -->";
    public const string UpdateVariable = "JOURNEYML_UPDATE_DOCS";

    [Fact]
    public void CliReference_in_the_readme_is_the_clis_help_for_every_command() => Check(Begin, End, Generate());

    [Fact]
    public void CliReference_of_the_tools_in_the_readme_is_their_help_for_every_command_they_add() => Check(ToolsBegin, ToolsEnd, GenerateTools());

    private static void Check(string begin, string end, string expected)
    {
        var path = Repo.Path("README.md");
        var readme = File.ReadAllText(path);
        var actual = Markdown.Section(readme, begin, end);
        Assert.True(actual is not null, $"README.md has no {begin} ... {end} section");
        if (actual == expected)
        {
            return;
        }
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, Markdown.ReplaceSection(readme, begin, end, expected));
            return;
        }
        Assert.Fail($"The README's {(begin == Begin ? "CLI" : "tools")} reference differs from the help. Regenerate it with: {UpdateVariable}=1 dotnet test tests/JourneyML.Docs.Tests --filter CliReference\n\n" +
            FirstDifference(actual!, expected));
    }

    /// <summary>
    /// Every command path of the CLI, depth first in the order the CLI lists them (the root first, as an empty path).
    /// Hidden commands (internal workers such as <c>bench peer-task</c>) are not for users and not in the reference.
    /// </summary>
    internal static IReadOnlyList<string[]> CommandPaths() => CommandPaths(CliRoot.Create());

    /// <summary>The command paths journeyml-tools adds to the product's tree, without the root.</summary>
    internal static IReadOnlyList<string[]> ToolCommandPaths()
    {
        var product = CliRoot.Create().Subcommands.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return [.. CommandPaths(ToolsRoot.Create()).Where(p => p.Length > 0 && !product.Contains(p[0]))];
    }

    private static IReadOnlyList<string[]> CommandPaths(RootCommand root)
    {
        var paths = new List<string[]>();
        void Walk(Command command, string[] path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
            {
                Walk(sub, [.. path, sub.Name]);
            }
        }
        Walk(root, []);
        return paths;
    }

    internal static string Generate() => Generate(JourneyCli.Product, CommandPaths());

    internal static string GenerateTools() => Generate(JourneyCli.ToolsProgram, ToolCommandPaths());

    /// <summary>The help of each path as the program prints it: the root's (an empty path) as a plain block, the others folded.</summary>
    private static string Generate(string program, IReadOnlyList<string[]> paths)
    {
        var help = new string[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var result = JourneyCli.RunProgramIn(program, Repo.Root, [.. paths[i], "--help"]);
            Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', paths[i])} --help exited with {result.ExitCode}: {result.Error}");
            help[i] = Normalise(result.Output);
        });
        var sb = new StringBuilder();
        for (int i = 0; i < paths.Count; i++)
        {
            if (paths[i].Length == 0)
            {
                sb.Append("```text\n").Append(help[i]).Append("\n```\n");
                continue;
            }
            sb.Append("\n<details><summary><code>").Append(program).Append(' ').Append(string.Join(' ', paths[i])).Append("</code></summary>\n\n");
            sb.Append("```text\n").Append(help[i]).Append("\n```\n\n</details>\n");
        }
        return sb.ToString().Trim('\n');
    }

    /// <summary>Machine-independent help: defaults under the repository shown relative to it, no trailing spaces or blank tail.</summary>
    internal static string Normalise(string help)
    {
        var root = Repo.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var lines = Markdown.Normalise(help).Replace(root, "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd());
        return string.Join('\n', lines).Trim('\n');
    }

    private static string FirstDifference(string actual, string expected)
    {
        var a = actual.Split('\n');
        var e = expected.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, e.Length); i++)
        {
            var left = i < a.Length ? a[i] : "(end)";
            var right = i < e.Length ? e[i] : "(end)";
            if (left != right)
            {
                return $"first difference at line {i + 1} of the section:\n  README: {left}\n  CLI:    {right}";
            }
        }
        return "";
    }
}
