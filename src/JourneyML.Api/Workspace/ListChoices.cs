using System.Runtime.CompilerServices;
using JourneyML.Core.Data;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Workspace;

/// <summary>
/// What the churn-risk page's pickers offer for a snapshot: its segments, its stages, and for each of the customer's own
/// columns with few distinct values (owner, plan, region) those values as written. Computed once per snapshot and kept
/// with it.
/// </summary>
public sealed record ListChoices(
    IReadOnlyList<(int Id, string Name)> Segments,
    IReadOnlyList<string> Stages,
    IReadOnlyList<ColumnChoice> Columns)
{
    /// <summary>The segments named in Japanese (the English name where the snapshot has none), in the order of <see cref="Segments"/>.</summary>
    public IReadOnlyList<(int Id, string Name)> SegmentsJapanese { get; init; } = [];

    /// <summary>The segments with their names in a page's language.</summary>
    public IReadOnlyList<(int Id, string Name)> SegmentsIn(string language) => language == "ja" && SegmentsJapanese.Count == Segments.Count ? SegmentsJapanese : Segments;

    /// <summary>A column with more distinct values than this (emails, names) is searched, not picked from a list.</summary>
    public const int MostValues = 50;

    private static readonly ConditionalWeakTable<SnapshotView, ListChoices> s_cache = [];

    public static ListChoices Of(SnapshotView view) => s_cache.GetValue(view, Build);

    private static ListChoices Build(SnapshotView view)
    {
        var s = view.Latest;
        var ranked = view.RankedByRisk;
        var segments = new SortedDictionary<int, string>();
        var japanese = new SortedDictionary<int, string>();
        var stages = new SortedSet<string>(StringComparer.Ordinal);
        foreach (int r in ranked)
        {
            segments.TryAdd(s.SegmentIds[r], s.SegmentNames[r]);
            japanese.TryAdd(s.SegmentIds[r], s.SegmentNameIn(r, ReasonLanguage.Japanese));
            if (s.Stage[r].Length > 0)
            {
                stages.Add(s.Stage[r]);
            }
        }
        var columns = s.PassThrough.Select(p => new ColumnChoice(p.Name, PassThroughColumns.Detect(p.Name) ?? IdentityRole.Other, FewValues(p, ranked))).ToList();
        return new ListChoices([.. segments.Select(kv => (kv.Key, kv.Value))], [.. stages], columns)
        {
            SegmentsJapanese = [.. japanese.Select(kv => (kv.Key, kv.Value))],
        };
    }

    private static IReadOnlyList<string>? FewValues(PassThroughValues column, int[] rows)
    {
        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (int r in rows)
        {
            if (column.Values[r]?.Trim() is { Length: > 0 } v && values.Add(v) && values.Count > MostValues)
            {
                return null;
            }
        }
        return [.. values.Order(StringComparer.Ordinal)];
    }
}

/// <summary>One of the customer's own columns: its name as the export wrote it, what it holds, and its values when few.</summary>
public sealed record ColumnChoice(string Name, IdentityRole Role, IReadOnlyList<string>? Values)
{
    /// <summary>Shown in the list's table: who the customer is and who owns it, not contact details (those are on the customer's page).</summary>
    public bool InTable => Role is not (IdentityRole.Email or IdentityRole.Phone);
}
