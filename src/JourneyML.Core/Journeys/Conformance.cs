using System.Text.Json;
using JourneyML.Core.Errors;
using JourneyML.Core.Prediction;
using JourneyML.Core.Stages;

namespace JourneyML.Core.Journeys;

/// <summary>A move the designed journey allows.</summary>
public sealed record DesignedMove(string From, string To);

/// <summary>
/// The journey as designed: the moves it allows. By default the path of stages.json, one stage at a time
/// (<see cref="FromPath"/>); or a file the user gives (<see cref="Load"/>): <c>{ "moves": [ { "from": "MQL", "to": "SQL" }, ... ] }</c>.
/// </summary>
public sealed record DesignedJourney(string Source, IReadOnlyList<DesignedMove> Moves)
{
    public const string PathSource = "the path order of stages.json, one stage at a time";

    public static DesignedJourney FromPath(StageModel model) =>
        new(PathSource, [.. model.Path.Zip(model.Path.Skip(1), (a, b) => new DesignedMove(a.Name, b.Name))]);

    /// <summary>Reads a designed journey, rejecting a file that does not parse, an empty list, or a stage stages.json does not have, by file, move and stage.</summary>
    public static DesignedJourney Load(string path, StageModel model)
    {
        if (!File.Exists(path))
        {
            throw new NotFoundException("designed journey", $"designed journey {path}: no such file");
        }
        DesignedFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), DesignedJson.Default.DesignedFile);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"designed journey {path}: not valid JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message}", e);
        }
        return Checked($"designed journey {path}", Path.GetFileName(path), [.. (file?.Moves ?? []).Select(m => new DesignedFileMove { From = m.From, To = m.To })], model,
            "expected { \"moves\": [ { \"from\": \"stage\", \"to\": \"stage\" }, ... ] }");
    }

    /// <summary>A designed journey given as moves (an API request's <c>designed=MQL&gt;SQL</c>), checked as a file is; <paramref name="field"/> names them in errors.</summary>
    public static DesignedJourney FromMoves(string field, IReadOnlyList<DesignedMove> moves, StageModel model) =>
        Checked(field, $"the {moves.Count} moves given in '{field}'", [.. moves.Select(m => new DesignedFileMove { From = m.From, To = m.To })], model, "give at least one move from>to");

    /// <summary>Rejects an empty list, a stage the stage model does not have and a move to itself, naming the move, its end and the stage.</summary>
    private static DesignedJourney Checked(string where, string source, IReadOnlyList<DesignedFileMove> moves, StageModel model, string expected)
    {
        if (moves.Count == 0)
        {
            throw new DesignedJourneyException(where, $"no moves; {expected}");
        }
        var names = model.Names.ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < moves.Count; i++)
        {
            foreach (var (end, stage) in new[] { ("from", moves[i].From), ("to", moves[i].To) })
            {
                if (string.IsNullOrEmpty(stage) || !names.Contains(stage))
                {
                    throw new DesignedJourneyException(where, $"move {i + 1}, \"{end}\": " +
                        (string.IsNullOrEmpty(stage) ? "missing" : $"\"{stage}\" is not a stage") + $" (the stages are {string.Join(", ", model.Names)})");
                }
            }
            if (moves[i].From == moves[i].To)
            {
                throw new DesignedJourneyException(where, $"move {i + 1} goes from \"{moves[i].From}\" to itself; a stay is not a move");
            }
        }
        return new DesignedJourney(source, [.. moves.Select(m => new DesignedMove(m.From!, m.To!)).Distinct()]);
    }
}

/// <summary>A designed journey that cannot be used: where it came from (a file, a request's field) and why.</summary>
public sealed class DesignedJourneyException(string where, string reason) : InvalidInputException($"{where}: {reason}")
{
    /// <summary>The file ("designed journey design.json") or the field ("designed") the moves came from.</summary>
    public string Where { get; } = where;
    public string Reason { get; } = reason;
}

internal sealed record DesignedFile
{
    public List<DesignedFileMove>? Moves { get; set; }
}

internal sealed record DesignedFileMove
{
    public string? From { get; set; }
    public string? To { get; set; }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(DesignedFile))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class DesignedJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>One way customers left the design: moves of this kind and the customers who made at least one.</summary>
public sealed record Deviation(string Kind, int Moves, int Customers, double ShareOfMovers);

/// <summary>A move outside the design, how many times it was made and by how many customers.</summary>
public sealed record DeviatingMove(string From, string To, string Kind, int Moves, int Customers);

/// <summary>
/// The designed journey held against what customers did in the window. Customers who moved at all are judged: the share
/// whose every move is allowed (with a 95% Wilson interval), the share of moves allowed, and the ways and places they
/// deviate (skipped stages, moves back, leaving the path, coming back to it, moves the design does not have).
/// </summary>
public sealed record ConformanceResult(
    string Design,
    IReadOnlyList<DesignedMove> Allowed,
    int Customers,
    int CustomersWhoMoved,
    int Following,
    double? Share,
    double? Low95,
    double? High95,
    int Moves,
    int AllowedMoves,
    double? ShareOfMovesAllowed,
    IReadOnlyList<Deviation> Deviations,
    IReadOnlyList<DeviatingMove> TopDeviatingMoves,
    string? TooSmall)
{
    public const int TopCount = 12;

    public static ConformanceResult Empty { get; } = new(DesignedJourney.PathSource, [], 0, 0, 0, null, null, null, 0, 0, null, [], [], null);
}

internal static class Conformance
{
    /// <summary>The kind of a move the design does not allow; one the path calls forward is still outside the design.</summary>
    private static string DeviationKind(AnalysisWindow window, string from, string to) =>
        window.KindOf(from, to) is var kind && kind == DesignMoves.Forward ? DesignMoves.NotInDesign : kind;

    public static ConformanceResult Build(AnalysisWindow window, DesignedJourney design)
    {
        var allowed = design.Moves.Select(m => (m.From, m.To)).ToHashSet();
        var kinds = new Dictionary<string, (int Moves, int Customers)>(StringComparer.Ordinal);
        var moves = new Dictionary<(string, string), (int Moves, int Customers)>();
        var kindsNow = new HashSet<string>(StringComparer.Ordinal);
        var movesNow = new HashSet<(string, string)>();
        int movers = 0, following = 0, total = 0, allowedMoves = 0;
        foreach (var (_, stays) in window.Timelines)
        {
            kindsNow.Clear();
            movesNow.Clear();
            int made = 0;
            for (int k = 0; k + 1 < stays.Count; k++)
            {
                if (stays[k].LeftAt is not { } left || !window.InWindow(left))
                {
                    continue;
                }
                made++;
                var move = (stays[k].Stage, stays[k + 1].Stage);
                if (allowed.Contains(move))
                {
                    allowedMoves++;
                    continue;
                }
                var kind = DeviationKind(window, move.Item1, move.Item2);
                kinds[kind] = (kinds.GetValueOrDefault(kind).Moves + 1, kinds.GetValueOrDefault(kind).Customers + (kindsNow.Add(kind) ? 1 : 0));
                moves[move] = (moves.GetValueOrDefault(move).Moves + 1, moves.GetValueOrDefault(move).Customers + (movesNow.Add(move) ? 1 : 0));
            }
            total += made;
            movers += made > 0 ? 1 : 0;
            following += made > 0 && kindsNow.Count == 0 ? 1 : 0;
        }
        var interval = movers == 0 ? null : HoldoutIntervals.Wilson(following, movers);
        var deviations = kinds.OrderByDescending(k => k.Value.Customers).ThenBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => new Deviation(k.Key, k.Value.Moves, k.Value.Customers, (double)k.Value.Customers / movers)).ToList();
        var top = moves.OrderByDescending(m => m.Value.Customers).ThenByDescending(m => m.Value.Moves)
            .ThenBy(m => m.Key.Item1, StringComparer.Ordinal).ThenBy(m => m.Key.Item2, StringComparer.Ordinal).Take(ConformanceResult.TopCount)
            .Select(m => new DeviatingMove(m.Key.Item1, m.Key.Item2, DeviationKind(window, m.Key.Item1, m.Key.Item2), m.Value.Moves, m.Value.Customers)).ToList();
        return new ConformanceResult(design.Source, design.Moves, window.Timelines.Count, movers, following,
            movers == 0 ? null : (double)following / movers, interval?.Low, interval?.High, total, allowedMoves,
            total == 0 ? null : (double)allowedMoves / total, deviations, top, Days.TooSmallWords(movers, "customers who moved"));
    }
}
