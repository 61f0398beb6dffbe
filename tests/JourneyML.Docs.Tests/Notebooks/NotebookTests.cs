using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace JourneyML.Docs.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/ runs from top to bottom on the committed sample, and its outputs are written back into
/// the .ipynb so they show on a code host. A notebook that no longer runs fails here, naming the notebook and the cell.
/// </summary>
[Collection(NotebookRuns.Name)]
public sealed class NotebookTests(ITestOutputHelper log)
{
    public static TheoryData<string> Notebooks() => [.. Names()];

    private static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(Repo.Path("notebooks"), "*.ipynb").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_on_the_sample_and_its_outputs_are_written_back(string name)
    {
        var path = Repo.Path("notebooks", name);
        var run = NotebookRunner.Run(path);
        log.WriteLine($"{name}: {run.Elapsed.TotalSeconds:F1} s");

        // Outputs go back even when a cell failed: the notebook then shows the error where it happened, as Jupyter would.
        // When nothing ran (a compile error), the file is left as it was.
        var notebook = Notebook.Load(path);
        if (run.Outputs.Any(o => o is not null))
        {
            notebook.SetOutputs(run.Outputs);
            notebook.Save();
        }
        Assert.True(run.Failure is null, run.Failure?.ToString());
    }

    [Fact]
    public void Every_notebook_is_a_csharp_polyglot_notebook_with_charts_from_the_library()
    {
        foreach (var name in Names())
        {
            var notebook = Notebook.Load(Repo.Path("notebooks", name));
            Assert.Equal(4, notebook.Format);
            Assert.Equal(".net-csharp", notebook.Metadata["kernelspec"]!["name"]!.GetValue<string>());
            Assert.Equal("C#", notebook.Metadata["kernelspec"]!["language"]!.GetValue<string>());
            Assert.Equal("csharp", notebook.Metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
            foreach (var cell in notebook.Cells.Where(Notebook.IsCode))
            {
                Assert.Equal("csharp", cell!["metadata"]!["polyglot_notebook"]!["kernelName"]!.GetValue<string>());
            }
            var code = string.Join("\n", notebook.CodeCells);
            Assert.Contains("ReportCharts.", code, StringComparison.Ordinal);
            // No logic only in a notebook: it declares no types or methods of its own (the library has them, with tests).
            Assert.DoesNotMatch(@"(?m)^\s*(public |internal |private |static )*(class|record|struct|interface)\s", code);
            Assert.DoesNotMatch(@"(?m)^\s*(static\s+)?[\w<>\[\],]+\s+\w+\([^)]*\)\s*(\{|=>)", code);
        }
    }

    [Fact]
    public void The_polyglot_references_match_the_librarys_packages_and_build_output()
    {
        var versions = XDocument.Load(Repo.Path("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        foreach (var name in Names())
        {
            var code = string.Join("\n", Notebook.Load(Repo.Path("notebooks", name)).CodeCells);
            var packages = Regex.Matches(code, @"#r ""nuget:\s*([^,""]+),\s*([^""]+)""");
            Assert.NotEmpty(packages);
            foreach (Match package in packages)
            {
                var id = package.Groups[1].Value.Trim();
                Assert.True(versions.TryGetValue(id, out var version), $"{name}: #r nuget {id} is not a package of the solution (Directory.Packages.props)");
                Assert.True(version == package.Groups[2].Value.Trim(), $"{name}: #r nuget {id} {package.Groups[2].Value} but Directory.Packages.props has {version}");
            }
            var library = Regex.Match(code, @"#r ""([^""]+\.dll)""");
            Assert.True(library.Success, $"{name}: no #r of the library's build output");
            var dll = Path.GetFullPath(Path.Combine(Repo.Path("notebooks"), library.Groups[1].Value));
            Assert.Equal(Repo.Path("src", "JourneyML.Core", "bin", "Debug", "net10.0", "JourneyML.Core.dll"), dll);
            // Any further build output is the sample generator's (for the sample's known truth), which the test runner references too.
            foreach (Match other in Regex.Matches(code, @"#r ""([^""]+\.dll)""").Skip(1))
            {
                Assert.Equal(Repo.Path("src", "JourneyML.SampleData", "bin", "Debug", "net10.0", "JourneyML.SampleData.dll"),
                    Path.GetFullPath(Path.Combine(Repo.Path("notebooks"), other.Groups[1].Value)));
            }
        }
    }
}

/// <summary>
/// Tests that start `dotnet run` on a generated program run one at a time: each run builds the library project
/// (normally a no-op, as `dotnet test` built it), and two builds of one project at once can trip over each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NotebookRuns
{
    public const string Name = "Notebook runs";
}
