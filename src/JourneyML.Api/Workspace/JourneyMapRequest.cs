using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace JourneyML.Api.Workspace;

/// <summary>
/// The journey map page's query string: the window (from, to as yyyy-MM-dd), segment and account pickers, and what was
/// clicked: a stage (<c>stage</c>, with <c>who=now</c> or <c>who=stuck</c>) or a move (<c>moveFrom</c>, <c>moveTo</c>), and the
/// page of that list. A value that does not parse is a problem the page names (and a 400), never ignored.
/// </summary>
public sealed record JourneyMapRequest
{
    public const int PageSize = 50;
    public static IReadOnlyList<string> Whos { get; } = ["now", "stuck"];

    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public int? Segment { get; init; }
    public string? Account { get; init; }
    public string? Stage { get; init; }
    public string Who { get; init; } = "now";
    public string? MoveFrom { get; init; }
    public string? MoveTo { get; init; }
    public int Page { get; init; } = 1;
    /// <summary>Each parameter that did not parse: its name and the value given (a message key for a rule broken across fields).</summary>
    public IReadOnlyList<(string Field, string Value)> Problems { get; init; } = [];

    /// <summary>Whether a list was asked for (a stage or a move clicked).</summary>
    public bool ListsMembers => Stage is not null || (MoveFrom is not null && MoveTo is not null);

    public static JourneyMapRequest Parse(IQueryCollection query)
    {
        var problems = new List<(string, string)>();
        string? Text(string name, int max = 200)
        {
            var text = query[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
            if (text is { Length: > 0 } && text.Length > max)
            {
                problems.Add((name, text[..40] + "…"));
                return null;
            }
            return text is { Length: > 0 } ? text : null;
        }
        DateTime? Day(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }
            if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                && d.Year >= 1970)
            {
                return DateTime.SpecifyKind(d.Date, DateTimeKind.Utc);
            }
            problems.Add((name, text));
            return null;
        }
        int? Integer(string name, int min)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min)
            {
                return v;
            }
            problems.Add((name, text));
            return null;
        }
        var from = Day("from");
        var to = Day("to");
        if (from is { } f && to is { } t && t <= f)
        {
            problems.Add(("to", Text("to")!));
        }
        var who = Text("who") ?? "now";
        if (!Whos.Contains(who))
        {
            problems.Add(("who", who));
            who = "now";
        }
        var moveFrom = Text("moveFrom");
        var moveTo = Text("moveTo");
        if ((moveFrom is null) != (moveTo is null))
        {
            problems.Add(moveFrom is null ? ("moveFrom", "") : ("moveTo", ""));
        }
        return new JourneyMapRequest
        {
            From = from,
            To = to is { } end && from is { } start && end <= start ? null : to,
            Segment = Integer("segment", 0),
            Account = Text("account"),
            Stage = Text("stage"),
            Who = who,
            MoveFrom = moveFrom,
            MoveTo = moveTo,
            Page = Integer("page", 1) ?? 1,
            Problems = problems,
        };
    }

    /// <summary>The map's own choices (window, segment, account) as query parameters, so every link keeps them.</summary>
    private List<KeyValuePair<string, string?>> MapQuery(DateTime from, DateTime to)
    {
        var q = new List<KeyValuePair<string, string?>> { new("from", Iso(from)), new("to", Iso(to)) };
        if (Segment is { } s)
        {
            q.Add(new("segment", s.ToString(CultureInfo.InvariantCulture)));
        }
        if (Account is { } a)
        {
            q.Add(new("account", a));
        }
        return q;
    }

    public static string Iso(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The link that lists a stage's customers (now in it, or stuck in it) on the same map.</summary>
    public string StageUrl(DateTime from, DateTime to, string stage, string who) =>
        QueryHelpers.AddQueryString("/journey-map", [.. MapQuery(from, to), new("stage", stage), new("who", who)]) + "#members";

    /// <summary>The link that lists who made a move on the same map.</summary>
    public string MoveUrl(DateTime from, DateTime to, string moveFrom, string moveTo) =>
        QueryHelpers.AddQueryString("/journey-map", [.. MapQuery(from, to), new("moveFrom", moveFrom), new("moveTo", moveTo)]) + "#members";

    /// <summary>Another page of the list being shown.</summary>
    public string PageUrl(DateTime from, DateTime to, int page)
    {
        var q = MapQuery(from, to);
        if (Stage is not null)
        {
            q.Add(new("stage", Stage));
            q.Add(new("who", Who));
        }
        else if (MoveFrom is not null && MoveTo is not null)
        {
            q.Add(new("moveFrom", MoveFrom));
            q.Add(new("moveTo", MoveTo));
        }
        q.Add(new("page", page.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString("/journey-map", q) + "#members";
    }

    public bool IsSelectedStage(string stage, string who) => Stage == stage && Who == who;

    public bool IsSelectedMove(string from, string to) => MoveFrom == from && MoveTo == to;
}
