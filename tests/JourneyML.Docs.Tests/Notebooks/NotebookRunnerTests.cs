using System.Text.Json.Nodes;

namespace JourneyML.Docs.Tests.Notebooks;

/// <summary>The runner itself: how cells become a program, and how what the program printed becomes each cell's outputs.</summary>
[Collection(NotebookRuns.Name)]
public sealed class NotebookRunnerTests
{
    private static readonly string M = NotebookDisplay.Marker;

    [Fact]
    public void Using_directives_are_lifted_and_polyglot_directives_blanked_keeping_line_numbers()
    {
        string[] cells =
        [
            "#r \"nuget: Microsoft.ML, 5.0.1\"\nusing JourneyML.Core.Data;\nvar x = 1;",
            "using var stream = new MemoryStream();\nusing System.Text;\nConsole.WriteLine(x);",
        ];
        var program = NotebookProgram.Generate("n.ipynb", cells, "/repo/src/JourneyML.Core/JourneyML.Core.csproj");
        var lines = program.Split('\n');
        Assert.StartsWith("#:project /repo/src/JourneyML.Core/JourneyML.Core.csproj", lines[0], StringComparison.Ordinal);
        int firstStatement = Array.FindIndex(lines, l => l.Contains(".BeginCell(1);", StringComparison.Ordinal));
        Assert.Contains("using JourneyML.Core.Data;", lines[..firstStatement]);
        Assert.Contains("using System.Text;", lines[..firstStatement]);
        Assert.DoesNotContain(lines, l => l.StartsWith("#r", StringComparison.Ordinal));
        // Cell 2: line 1 stays (a using declaration is a statement), line 2 is blank, line 3 is the WriteLine.
        int cell2 = Array.IndexOf(lines, "#line 1 \"n.ipynb, cell 2\"");
        Assert.Equal(["using var stream = new MemoryStream();", "", "Console.WriteLine(x);"], lines[(cell2 + 1)..(cell2 + 4)]);
        Assert.Contains("namespace JourneyML.Docs.Tests.Notebooks", program, StringComparison.Ordinal);
    }

    [Fact]
    public void Printed_text_displays_and_errors_go_to_the_cell_that_was_running()
    {
        var image = Path.GetTempFileName();
        File.WriteAllBytes(image, [0x89, 0x50, 0x4E, 0x47]);
        string output = string.Join('\n',
            $"{M}cell 1", "hello", "world",
            $"{M}display {Payload(new() { ["image/png"] = image, ["text/plain"] = "Chart: t" })}",
            $"{M}cell 2", $"no newline{M}cell 3",
            $"{M}error {Payload(new() { ["ename"] = "InvalidOperationException", ["evalue"] = "boom", ["traceback"] = "at cell 3:line 2" })}",
            "");
        var run = NotebookRunner.Interpret("n.ipynb", 4, new ProcessResult(134, output, "Unhandled exception.", false), TimeSpan.Zero);
        File.Delete(image);

        Assert.Equal([new StreamOutput("stdout", "hello\nworld\n"), run.Outputs[0]![1]], run.Outputs[0]);
        Assert.Equal("iVBORw==", ((DisplayOutput)run.Outputs[0]![1]).Data["image/png"]);
        Assert.Equal([new StreamOutput("stdout", "no newline")], run.Outputs[1]);
        Assert.IsType<ErrorOutput>(Assert.Single(run.Outputs[2]!));
        Assert.Null(run.Outputs[3]);
        Assert.Equal(3, run.Failure!.Cell);
        Assert.Contains("boom", run.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compile_error_names_the_cell_and_the_line_in_it()
    {
        var result = new ProcessResult(1,
            "/tmp/x/02-segments.ipynb, cell 4(3,9): error CS0103: The name 'segmentz' does not exist in the current context [/tmp/x/notebook.cs]\n\nThe build failed.",
            "", false);
        var failure = NotebookRunner.Interpret("02-segments.ipynb", 6, result, TimeSpan.Zero).Failure!;
        Assert.Equal(4, failure.Cell);
        Assert.Equal("compile error", failure.Kind);
        Assert.Equal("line 3, column 9: CS0103: The name 'segmentz' does not exist in the current context", failure.Message);
    }

    [Fact]
    public void A_notebook_that_fails_is_reported_with_its_cell_after_a_real_run()
    {
        var dir = TempFolder.Create("runner");
        var path = Path.Combine(dir, "runner-check.ipynb");
        File.WriteAllText(path, NotebookJson(
            "using JourneyML.Core.Reports;\nConsole.WriteLine(\"first\");\ndisplay(new[] { new { Name = \"a\", Share = 0.25 } });",
            "var empty = Array.Empty<int>();\nConsole.WriteLine(empty.First());"));

        var run = NotebookRunner.Run(path);
        Directory.Delete(dir, recursive: true);

        Assert.Equal(2, run.Failure?.Cell);
        Assert.Contains("InvalidOperationException", run.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("runner-check.ipynb, cell 2:line 2", run.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(new StreamOutput("stdout", "first\n"), run.Outputs[0]![0]);
        var table = (DisplayOutput)run.Outputs[0]![1];
        Assert.Contains("<td style=\"text-align:right\">0.25</td>", table.Data["text/html"], StringComparison.Ordinal);
    }

    private static string Payload(Dictionary<string, string> data) =>
        Convert.ToBase64String(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(data));

    private static string NotebookJson(params string[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray([.. cells.Select(c => (JsonNode?)new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject(),
            ["outputs"] = new JsonArray(),
            ["source"] = Notebook.Lines(c),
        })]),
        ["metadata"] = new JsonObject(),
        ["nbformat"] = 4,
        ["nbformat_minor"] = 2,
    }.ToJsonString();
}
