using System.Reflection;
using System.Text.RegularExpressions;
using JourneyML.Core.Features;

namespace JourneyML.Core.Tests;

/// <summary>
/// The code's shape as the README's "Where things live" map promises it: Core's folders in one order of flow, each using
/// only the folders above it; the hosts (CLI, API) free of the sample generator and of feature names.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string s_core = Repo.Path("src", "JourneyML.Core");

    /// <summary>The folders of Core in the README's order.</summary>
    private static List<string> MapOrder()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        int start = readme.IndexOf("## Where things live", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no 'Where things live' section");
        int end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return [.. MapLine().Matches(section).Select(m => m.Groups[1].Value)];
    }

    private static IEnumerable<string> CoreFolders() =>
        Directory.EnumerateDirectories(s_core).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(s_core, d), "*.cs", SearchOption.AllDirectories).Any());

    /// <summary>Every Core folder a source file refers to: by a using, a qualified name, or a name qualified from a sibling namespace.</summary>
    private static HashSet<string> ReferencedFolders(string file, IReadOnlyDictionary<string, HashSet<string>> typesByFolder)
    {
        var text = Comments().Replace(File.ReadAllText(file), "");
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Qualified().Matches(text))
        {
            found.Add(m.Groups[1].Value);
        }
        // Inside namespace JourneyML.Core.X, "Registry.ModelRegistry" means JourneyML.Core.Registry.ModelRegistry.
        foreach (Match m in SiblingQualified().Matches(text))
        {
            if (typesByFolder.TryGetValue(m.Groups[1].Value, out var types) && types.Contains(m.Groups[2].Value))
            {
                found.Add(m.Groups[1].Value);
            }
        }
        return found;
    }

    [Fact]
    public void Every_core_folder_is_in_the_readme_map_once_and_the_map_names_no_missing_folder()
    {
        var order = MapOrder();
        Assert.Equal(order.Count, order.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(CoreFolders().Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Core_folders_use_only_the_folders_above_them_in_the_readme_map()
    {
        var order = MapOrder();
        var rank = order.Select((folder, i) => (folder, i)).ToDictionary(x => x.folder, x => x.i, StringComparer.Ordinal);
        var typesByFolder = typeof(FeatureTable).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("JourneyML.Core.", StringComparison.Ordinal) == true && !t.IsNested)
            .GroupBy(t => t.Namespace!["JourneyML.Core.".Length..].Split('.')[0])
            .ToDictionary(g => g.Key, g => g.Select(t => t.Name.Split('`')[0]).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var against = new List<string>();
        foreach (var folder in order)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(s_core, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (var used in ReferencedFolders(file, typesByFolder).Where(u => u != folder))
                {
                    if (!rank.TryGetValue(used, out int r) || r > rank[folder])
                    {
                        against.Add($"{Path.GetRelativePath(s_core, file)} uses {used}, which comes after {folder}");
                    }
                }
            }
        }
        Assert.True(against.Count == 0, "arrows against the README's order:\n" + string.Join("\n", against));
    }

    [Theory]
    [InlineData("JourneyML.Cli")]
    [InlineData("JourneyML.Api")]
    public void A_host_references_neither_the_sample_generator_nor_a_feature_name(string host)
    {
        var folder = Repo.Path("src", host);
        var project = File.ReadAllText(Path.Combine(folder, host + ".csproj"));
        Assert.DoesNotContain("SampleData", project, StringComparison.Ordinal);
        var names = FeatureNames.Definitions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(".SampleData", text, StringComparison.Ordinal);
            found.AddRange(StringLiteral().Matches(text).Select(m => m.Groups[1].Value).Where(names.Contains)
                .Select(n => $"{Path.GetFileName(file)}: \"{n}\""));
        }
        Assert.True(found.Count == 0, "feature names spelled in a host (use Core's FeatureNames or a Core call):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_feature_catalogue_names_each_feature_once_and_every_constant_is_a_feature()
    {
        var names = FeatureNames.Definitions.Select(d => d.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        var constants = typeof(FeatureNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), constants.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^- `src/JourneyML\.Core/(\w+)`", RegexOptions.Multiline)]
    private static partial Regex MapLine();

    [GeneratedRegex(@"JourneyML\.Core\.(\w+)")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\.([A-Z]\w*)")]
    private static partial Regex SiblingQualified();

    [GeneratedRegex(@"//[^\n]*|/\*[\s\S]*?\*/")]
    private static partial Regex Comments();

    [GeneratedRegex("\"([a-z0-9_]+)\"")]
    private static partial Regex StringLiteral();
}
