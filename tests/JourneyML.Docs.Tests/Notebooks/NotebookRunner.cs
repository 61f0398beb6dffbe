using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace JourneyML.Docs.Tests.Notebooks;

/// <summary>What running a notebook gave: each cell's outputs (null for cells that never ran) and, on failure, where and why.</summary>
internal sealed record NotebookRun(string Notebook, IReadOnlyList<IReadOnlyList<CellOutput>?> Outputs, NotebookFailure? Failure, TimeSpan Elapsed);

/// <param name="Cell">1-based code cell, or null when the failure is not in a cell (the runner's own code, a build or start problem).</param>
internal sealed record NotebookFailure(string Notebook, int? Cell, string Kind, string Message)
{
    public override string ToString() =>
        Cell is { } cell ? $"{Notebook}, cell {cell.ToString(CultureInfo.InvariantCulture)}: {Kind}: {Message}" : $"{Notebook}: {Kind}: {Message}";
}

/// <summary>
/// Runs a notebook as a .NET file-based program (<see cref="NotebookProgram"/>) in a temporary folder outside every
/// project, from the notebook's own folder (as Polyglot Notebooks does, so relative paths mean the same), and turns what
/// it printed into each cell's outputs: standard output between two cell markers is that cell's stream output, display
/// markers are display data (charts read back from the PNG the display helper saved), an error marker an error output.
/// </summary>
internal static partial class NotebookRunner
{
    [GeneratedRegex(@", cell (\d+)\((\d+),(\d+)\): error (\w+): (.*?)(\s+\[[^\]]*\])?$")]
    private static partial Regex CellCompileError();

    [GeneratedRegex(@": error (\w+): (.*?)(\s+\[[^\]]*\])?$")]
    private static partial Regex AnyCompileError();

    public static NotebookRun Run(string notebookPath)
    {
        var notebook = Notebook.Load(notebookPath);
        var cells = notebook.CodeCells;
        var folder = Path.Combine(TempFolder.Stable("notebooks"), Path.GetFileNameWithoutExtension(notebookPath));
        var output = Path.Combine(folder, "output");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }
        Directory.CreateDirectory(output);
        var program = Path.Combine(folder, "notebook.cs");
        var source = NotebookProgram.Generate(notebook.Name, cells, Repo.Path("src", "JourneyML.Core", "JourneyML.Core.csproj"),
            [Repo.Path("src", "JourneyML.SampleData", "JourneyML.SampleData.csproj")]);
        // Rewritten only when it changed: an unchanged file keeps .NET's cached build of it.
        if (!File.Exists(program) || File.ReadAllText(program) != source)
        {
            File.WriteAllText(program, source);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Processes.Run("dotnet", ["run", program, "-c", Repo.Configuration], Path.GetDirectoryName(notebookPath)!,
            new Dictionary<string, string> { [NotebookDisplay.OutputVariable] = output });
        return Interpret(notebook.Name, cells.Count, result, watch.Elapsed);
    }

    /// <summary>Turns a finished run's output into per-cell outputs and, when it failed, the failure with its cell.</summary>
    internal static NotebookRun Interpret(string notebook, int cellCount, ProcessResult result, TimeSpan elapsed)
    {
        var outputs = new List<CellOutput>?[cellCount];
        int current = 0;
        bool ended = false;
        ErrorOutput? error = null;
        var text = new StringBuilder();

        void FlushText()
        {
            if (text.Length > 0 && current > 0)
            {
                outputs[current - 1]!.Add(new StreamOutput("stdout", text.ToString()));
            }
            text.Clear();
        }

        var lines = result.Output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1); // the split's empty piece after the last newline
        }
        foreach (var line in lines)
        {
            int at = line.IndexOf(NotebookDisplay.Marker, StringComparison.Ordinal);
            if (at < 0)
            {
                if (current > 0 && !ended)
                {
                    text.Append(line).Append('\n');
                }
                continue;
            }
            // Text written without a newline before a marker (Console.Write at the end of a cell) stays that cell's.
            if (at > 0 && current > 0 && !ended)
            {
                text.Append(line[..at]);
            }
            var parts = line[(at + NotebookDisplay.Marker.Length)..].Split(' ', 2);
            switch (parts[0])
            {
                case "cell":
                    FlushText();
                    current = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    outputs[current - 1] = [];
                    break;
                case "end":
                    FlushText();
                    ended = true;
                    break;
                case "display" when current > 0:
                    FlushText();
                    outputs[current - 1]!.Add(new DisplayOutput(ReadDisplay(Decode(parts[1]))));
                    break;
                case "error":
                    FlushText();
                    var data = Decode(parts[1]);
                    error = new ErrorOutput(data["ename"], data["evalue"], data["traceback"]);
                    if (current > 0)
                    {
                        outputs[current - 1]!.Add(error);
                    }
                    break;
            }
        }
        FlushText();

        NotebookFailure? failure = null;
        if (result.TimedOut)
        {
            failure = new NotebookFailure(notebook, current == 0 ? null : current, "timeout", $"killed after {Waits.Limit.TotalMinutes:0} minutes, the limit for a hung process (still running then, so no exit code)");
        }
        else if (result.ExitCode != 0 || !ended)
        {
            if (current == 0)
            {
                failure = CompileFailure(notebook, result);
            }
            else
            {
                string message = error is not null ? $"{error.Name}: {error.Value}\n{error.Traceback}" : $"exit code {result.ExitCode}\n{result.Error}".TrimEnd();
                failure = new NotebookFailure(notebook, current, "runtime error", message);
            }
        }
        return new NotebookRun(notebook, [.. outputs.Select(o => (IReadOnlyList<CellOutput>?)o)], failure, elapsed);
    }

    /// <summary>Nothing ran: the build failed. Errors in a cell name it (the <c>#line</c> file name); any other is the runner's own.</summary>
    internal static NotebookFailure CompileFailure(string notebook, ProcessResult result)
    {
        var lines = (result.Output + "\n" + result.Error).Split('\n').Select(l => l.TrimEnd('\r')).Distinct().ToList();
        foreach (var line in lines)
        {
            var m = CellCompileError().Match(line);
            if (m.Success && line.Contains(notebook, StringComparison.Ordinal))
            {
                int cell = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                return new NotebookFailure(notebook, cell, "compile error",
                    $"line {m.Groups[2].Value}, column {m.Groups[3].Value}: {m.Groups[4].Value}: {m.Groups[5].Value}");
            }
        }
        var other = lines.FirstOrDefault(l => AnyCompileError().IsMatch(l));
        return new NotebookFailure(notebook, null, other is null ? "build or start failure" : "compile error in the generated program (a runner problem)",
            other ?? $"exit code {result.ExitCode}\n{result.Output}\n{result.Error}".Trim());
    }

    private static Dictionary<string, string> Decode(string payload) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(payload))
            ?? throw new InvalidDataException("empty display payload");

    /// <summary>A chart's PNG file becomes base64 in the notebook, as Jupyter stores images.</summary>
    private static Dictionary<string, string> ReadDisplay(Dictionary<string, string> data)
    {
        if (data.TryGetValue("image/png", out var file))
        {
            data["image/png"] = Convert.ToBase64String(File.ReadAllBytes(file));
        }
        return data;
    }
}
