using System.Globalization;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.WebUtilities;

namespace JourneyML.Api.Workspace;

/// <summary>
/// The churn-risk page's query string, read and checked: the filters, the order, the page. A value that does not parse is
/// a problem the page shows with the field's name (and a 400), never silently ignored. The same query, with <c>layout</c>,
/// exports the filtered list.
/// </summary>
public sealed record RiskListRequest
{
    public const string ColumnPrefix = "col.";
    public static IReadOnlyList<int> PageSizes { get; } = [25, 50, 100, 200];
    public static IReadOnlyList<string> Sorts { get; } = ["risk", "risk-asc", "change", "id"];
    public static IReadOnlyList<string> Bands { get; } = ["high", "medium", "low"];

    public int? Segment { get; init; }
    public string? Stage { get; init; }
    public string? Account { get; init; }
    public string? Band { get; init; }
    public bool Rose { get; init; }
    public string? Search { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Columns { get; init; } = [];
    public string Sort { get; init; } = "risk";
    public int Size { get; init; } = 50;
    public int Page { get; init; } = 1;
    /// <summary>Each parameter that did not parse: its name and the value given.</summary>
    public IReadOnlyList<(string Field, string Value)> Problems { get; init; } = [];

    public static RiskListRequest Parse(IQueryCollection query)
    {
        var problems = new List<(string, string)>();
        string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
        int? Integer(string name, int min, int max)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max)
            {
                return v;
            }
            problems.Add((name, text));
            return null;
        }
        string? OneOf(string name, IReadOnlyList<string> allowed)
        {
            var text = Text(name);
            if (text is null || allowed.Contains(text))
            {
                return text;
            }
            problems.Add((name, text));
            return null;
        }
        int? size = Integer("size", 1, int.MaxValue);
        if (size is { } s && !PageSizes.Contains(s))
        {
            problems.Add(("size", s.ToString(CultureInfo.InvariantCulture)));
            size = null;
        }
        var rose = Text("rose");
        if (rose is not null && rose is not ("1" or "true" or "on"))
        {
            problems.Add(("rose", rose));
        }
        return new RiskListRequest
        {
            Segment = Integer("segment", 0, int.MaxValue),
            Stage = Text("stage"),
            Account = Text("account"),
            Band = OneOf("band", Bands),
            Rose = rose is "1" or "true" or "on",
            Search = Text("q"),
            Columns = [.. query.Where(q => q.Key.StartsWith(ColumnPrefix, StringComparison.Ordinal) && q.Key.Length > ColumnPrefix.Length && q.Value.ToString().Trim().Length > 0)
                .Select(q => new KeyValuePair<string, string>(q.Key[ColumnPrefix.Length..], q.Value.ToString().Trim()))],
            Sort = OneOf("sort", Sorts) ?? "risk",
            Size = size ?? 50,
            Page = Integer("page", 1, int.MaxValue) ?? 1,
            Problems = problems,
        };
    }

    /// <summary>The Core filter, bands measured against the At-risk cut of the snapshot's model.</summary>
    public RiskFilter Filter(double bandCut) => new()
    {
        Segment = Segment,
        Stage = Stage,
        Account = Account,
        Band = Band switch { "high" => RiskBand.High, "medium" => RiskBand.Medium, "low" => RiskBand.Low, _ => null },
        BandCut = bandCut,
        RoseOnly = Rose,
        Columns = Columns,
        Search = Search,
    };

    public RiskListOrder Order => Sort switch
    {
        "risk-asc" => RiskListOrder.RiskAscending,
        "change" => RiskListOrder.ChangeDescending,
        "id" => RiskListOrder.CustomerId,
        _ => RiskListOrder.RiskDescending,
    };

    /// <summary>The filters as query parameters (the order and page size too), for links that keep them.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Parameters()
    {
        if (Segment is { } segment) yield return new("segment", segment.ToString(CultureInfo.InvariantCulture));
        if (Stage is not null) yield return new("stage", Stage);
        if (Account is not null) yield return new("account", Account);
        if (Band is not null) yield return new("band", Band);
        if (Rose) yield return new("rose", "1");
        if (Search is not null) yield return new("q", Search);
        foreach (var (name, value) in Columns) yield return new(ColumnPrefix + name, value);
        if (Sort != "risk") yield return new("sort", Sort);
        if (Size != 50) yield return new("size", Size.ToString(CultureInfo.InvariantCulture));
    }

    public string PageUrl(int page) => QueryHelpers.AddQueryString("/", page > 1 ? [.. Parameters(), new("page", page.ToString(CultureInfo.InvariantCulture))] : Parameters());

    public string SortUrl(string sort) => (this with { Sort = sort }).PageUrl(1);

    public string ExportUrl(string layout, bool excel) => QueryHelpers.AddQueryString("/churn-risk/export",
        [.. Parameters().Where(p => p.Key is not ("size" or "page")), new("layout", layout), .. excel ? [new KeyValuePair<string, string?>("excel", "true")] : Array.Empty<KeyValuePair<string, string?>>()]);

    public string? ColumnValue(string name) => Columns.FirstOrDefault(c => c.Key == name).Value;
}
