using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JourneyML.Docs.Tests.Notebooks;

/// <summary>One output of a code cell, in Jupyter's terms: stream text, display data (MIME type to content), or an error.</summary>
internal abstract record CellOutput;

internal sealed record StreamOutput(string Name, string Text) : CellOutput;

internal sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data) : CellOutput;

internal sealed record ErrorOutput(string Name, string Value, string Traceback) : CellOutput;

/// <summary>
/// A notebook file (.ipynb, nbformat 4) read as JSON and written back with the same layout Jupyter and VS Code use
/// (one-space indent, sources and texts as lists of lines), so a diff shows only what changed.
/// </summary>
internal sealed class Notebook
{
    private static readonly JsonSerializerOptions s_write = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly JsonObject _root;

    private Notebook(string path, JsonObject root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public JsonObject Metadata => _root["metadata"]!.AsObject();
    public int Format => _root["nbformat"]!.GetValue<int>();
    public JsonArray Cells => _root["cells"]!.AsArray();

    /// <summary>The code cells' sources, in order: the first is cell 1 (its execution count when run).</summary>
    public IReadOnlyList<string> CodeCells => [.. Cells.Where(IsCode).Select(c => Source(c!))];

    public static Notebook Load(string path) =>
        new(path, JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is empty"));

    public static bool IsCode(JsonNode? cell) => cell?["cell_type"]?.GetValue<string>() == "code";

    public static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonValue text => text.GetValue<string>(),
        _ => "",
    };

    /// <summary>
    /// Sets every code cell's execution count and outputs: cells 1..n that ran get their outputs; cells after a failed one are
    /// cleared, as after "run all" stopped at an error.
    /// </summary>
    public void SetOutputs(IReadOnlyList<IReadOnlyList<CellOutput>?> outputs)
    {
        int index = 0;
        foreach (var cell in Cells.Where(IsCode))
        {
            var ran = index < outputs.Count ? outputs[index] : null;
            index++;
            cell!["execution_count"] = ran is null ? null : index;
            cell["outputs"] = new JsonArray([.. (ran ?? []).Select(ToJson)]);
        }
    }

    public string ToJson() => _root.ToJsonString(s_write).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    /// <summary>Writes the file only when its content changed, so a run that reproduces the outputs leaves it untouched.</summary>
    public bool Save()
    {
        var json = ToJson();
        if (File.Exists(Path) && File.ReadAllText(Path) == json)
        {
            return false;
        }
        File.WriteAllText(Path, json);
        return true;
    }

    private static JsonNode ToJson(CellOutput output) => output switch
    {
        StreamOutput s => new JsonObject
        {
            ["name"] = s.Name,
            ["output_type"] = "stream",
            ["text"] = Lines(s.Text),
        },
        DisplayOutput d => new JsonObject
        {
            ["data"] = new JsonObject(d.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(kv.Key.StartsWith("image/", StringComparison.Ordinal) ? JsonValue.Create(kv.Value) : Lines(kv.Value))))),
            ["metadata"] = new JsonObject(),
            ["output_type"] = "display_data",
        },
        ErrorOutput e => new JsonObject
        {
            ["ename"] = e.Name,
            ["evalue"] = e.Value,
            ["output_type"] = "error",
            ["traceback"] = new JsonArray([.. e.Traceback.Split('\n').Select(l => (JsonNode?)JsonValue.Create(l.TrimEnd('\r')))]),
        },
        _ => throw new ArgumentException($"unknown output {output.GetType().Name}"),
    };

    /// <summary>Text as Jupyter stores it: a list of lines, each but the last ending in a newline.</summary>
    internal static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }
}
