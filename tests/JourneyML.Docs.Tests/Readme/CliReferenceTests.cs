using System.CommandLine;
using System.Text;
using JourneyML.Cli;

namespace JourneyML.Docs.Tests.Readme;

/// <summary>
/// The README's CLI reference is the CLI's own help, command by command. It is generated, not written: when it differs,
/// the test fails; with JOURNEYML_UPDATE_DOCS=1 it rewrites the section instead.
/// </summary>
public sealed class CliReferenceTests
{
    public const string Begin = "<!-- cli-reference:begin -->";
    public const string End = "<!-- cli-reference:end -->";
    public const string UpdateVariable = "JOURNEYML_UPDATE_DOCS";

    [Fact]
    public void CliReference_in_the_readme_is_the_clis_help_for_every_command()
    {
        var expected = Generate();
        var path = Repo.Path("README.md");
        var readme = File.ReadAllText(path);
        var actual = Markdown.Section(readme, Begin, End);
        Assert.True(actual is not null, $"README.md has no {Begin} ... {End} section");
        if (actual == expected)
        {
            return;
        }
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, Markdown.ReplaceSection(readme, Begin, End, expected));
            return;
        }
        Assert.Fail($"The README's CLI reference differs from the CLI's help. Regenerate it with: {UpdateVariable}=1 dotnet test tests/JourneyML.Docs.Tests --filter CliReference\n\n" +
            FirstDifference(actual!, expected));
    }

    /// <summary>
    /// Every command path of the CLI, depth first in the order the CLI lists them (the root first, as an empty path).
    /// Hidden commands (internal workers such as <c>bench peer-task</c>) are not for users and not in the reference.
    /// </summary>
    internal static IReadOnlyList<string[]> CommandPaths()
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
        Walk(CliRoot.Create(), []);
        return paths;
    }

    internal static string Generate()
    {
        var paths = CommandPaths();
        var help = new string[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var result = JourneyCli.Run([.. paths[i], "--help"]);
            Assert.True(result.ExitCode == 0, $"journeyml {string.Join(' ', paths[i])} --help exited with {result.ExitCode}: {result.Error}");
            help[i] = Normalise(result.Output);
        });
        var sb = new StringBuilder();
        sb.Append("```text\n").Append(help[0]).Append("\n```\n");
        for (int i = 1; i < paths.Count; i++)
        {
            sb.Append("\n<details><summary><code>journeyml ").Append(string.Join(' ', paths[i])).Append("</code></summary>\n\n");
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
