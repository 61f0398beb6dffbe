using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using JourneyML.Api.Serving;
using JourneyML.Api.Workspace.Pages;
using JourneyML.Core.Features;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using JourneyML.Core.Uplift;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace JourneyML.Api.Workspace;

/// <summary>
/// A customer's best action and its uplift: the expected reduction in churn risk within the horizon if given
/// <paramref name="Kind"/> now (0.05 = 5 points), with the 95% interval of the effect it is read from.
/// </summary>
/// <param name="Kind">The intervention kind as the export names it (電話 stays 電話).</param>
/// <param name="OfSegment">True when read from the customer's segment's effect; false when the segment was too small and the kind's overall effect stands in.</param>
public sealed record CallUplift(string Kind, double Uplift, Interval95? Interval, bool OfSegment)
{
    /// <summary>The interval excludes no effect: the help is clear, not within noise.</summary>
    public bool Clear => Interval is { } i && (i.Low > 0 || i.High < 0);
}

/// <summary>One row of the "whom to call" list: its place in the list, the customer as the risk list shows them, and their uplift.</summary>
public sealed record WhomToCallRow(int Place, CustomerRow Customer, CallUplift Uplift);

/// <summary>
/// The "whom to call" list: paying customers ranked by the uplift of their best action, not by risk, with the filters of
/// the churn-risk list. Customers no measured kind helps are not on it (they are counted). The uplift is read in one place
/// (<see cref="Reading"/>) so the list follows wherever the per-customer uplift is kept.
/// </summary>
public static class WhomToCall
{
    public const string PagePath = "/whom-to-call";
    public const string ExportPath = "/whom-to-call/export";

    private sealed record Ranked(int[] Rows, CallUplift?[] Uplift);

    private static readonly ConditionalWeakTable<SnapshotView, Ranked> s_ranked = [];

    /// <summary>
    /// Each snapshot row's best action and uplift; null for a row no measured kind helps (or without a churn risk). Read
    /// from the snapshot's uplift columns (<see cref="Core.Scoring.CustomerUplift"/>, what <c>GET /v1/churn-risk?rankBy=uplift</c>
    /// reads: the measured effect of the best kind in the customer's segment, shrunk toward the kind's); a snapshot written
    /// before those columns falls back to the model's segment effects.
    /// </summary>
    public static Func<int, CallUplift?> Reading(Snapshot s, InterventionMetadata interventions)
    {
        if (s.Uplift is { } columns)
        {
            return r => columns.BestAction[r] is { } kind && !float.IsNaN(columns.Uplift[r])
                ? new CallUplift(kind, columns.Uplift[r], float.IsNaN(columns.Low[r]) ? null : new Interval95(columns.Low[r], columns.High[r]),
                    OwnSegment(interventions, kind, s.SegmentIds[r]) is not null)
                : null;
        }
        var bySegment = s.SegmentIds.Distinct().ToDictionary(id => id, id => OfSegment(interventions, id));
        return r => float.IsNaN(s.ChurnRisk[r]) ? null : bySegment[s.SegmentIds[r]];
    }

    private static SegmentEffect? OwnSegment(InterventionMetadata interventions, string kind, int segment)
    {
        var id = segment.ToString(CultureInfo.InvariantCulture);
        return interventions.Kinds.FirstOrDefault(k => k.Kind == kind)?.Segments.FirstOrDefault(x => x.Segment == id && x.Effect is not null);
    }

    private static CallUplift? OfSegment(InterventionMetadata interventions, int segment)
    {
        if (interventions.BestAction(segment) is not { } kind || interventions.UpliftOf(kind, segment) is not { } uplift)
        {
            return null;
        }
        var measured = interventions.Kinds.First(k => k.Kind == kind);
        var own = OwnSegment(interventions, kind, segment);
        return new CallUplift(kind, uplift, own?.Interval ?? measured.Effect.Interval, own is not null);
    }

    /// <summary>The intervention effects of the model that scored the snapshot (the served one, or read from the registry); null when it has none.</summary>
    public static InterventionMetadata? InterventionsFor(ModelHost models, Snapshot s) =>
        models.Current is { } current && current.ModelVersion == s.ModelVersion
            ? current.Models.Metadata.Interventions
            : models.Registry.Find(s.ModelVersion)?.Interventions;

    /// <summary>The rows with a helpful best action, highest uplift first, ties in churn-risk order; built once per snapshot.</summary>
    private static Ranked RankedOf(SnapshotView view, InterventionMetadata interventions) => s_ranked.GetValue(view, v =>
    {
        var read = Reading(v.Latest, interventions);
        var uplift = new CallUplift?[v.Latest.Count];
        foreach (int r in v.RankedByRisk)
        {
            uplift[r] = read(r);
        }
        int[] rows = [.. v.RankedByRisk.Select((r, i) => (r, i)).Where(x => uplift[x.r] is not null)
            .OrderByDescending(x => uplift[x.r]!.Uplift).ThenBy(x => x.i).Select(x => x.r)];
        return new Ranked(rows, uplift);
    });

    /// <summary>The list's rows matching the filter, from <paramref name="offset"/>, and how many match in all.</summary>
    public static (IReadOnlyList<WhomToCallRow> Rows, int Matching, int Listed) Page(SnapshotView view, InterventionMetadata interventions, RiskFilter filter,
        int offset, int limit)
    {
        var ranked = RankedOf(view, interventions);
        var matches = filter.For(view.Latest);
        var rows = new List<WhomToCallRow>(Math.Min(limit, 1024));
        int matching = 0;
        for (int i = 0; i < ranked.Rows.Length; i++)
        {
            int r = ranked.Rows[i];
            if (!matches(r))
            {
                continue;
            }
            if (matching >= offset && rows.Count < limit)
            {
                rows.Add(Row(view, ranked, r, i + 1));
            }
            matching++;
        }
        return (rows, matching, ranked.Rows.Length);
    }

    /// <summary>Every matching row in the list's order, for the export.</summary>
    public static IEnumerable<WhomToCallRow> All(SnapshotView view, InterventionMetadata interventions, RiskFilter filter)
    {
        var ranked = RankedOf(view, interventions);
        var matches = filter.For(view.Latest);
        for (int i = 0; i < ranked.Rows.Length; i++)
        {
            if (matches(ranked.Rows[i]))
            {
                yield return Row(view, ranked, ranked.Rows[i], i + 1);
            }
        }
    }

    private static WhomToCallRow Row(SnapshotView view, Ranked ranked, int r, int place)
    {
        var uplift = ranked.Uplift[r]!;
        return new WhomToCallRow(place, CustomerRow.From(view, r) with { Uplift = Math.Round(uplift.Uplift, 4), BestAction = uplift.Kind }, uplift);
    }

    /// <summary>
    /// The list as CSV: the shared export shape in the layout asked for, then the list's own columns at the end (its
    /// place, the best action as the export names it, the uplift, its interval, whether it is clear).
    /// </summary>
    public static byte[] Csv(Snapshot s, IEnumerable<WhomToCallRow> rows, ExportFormat format)
    {
        var columns = CustomerExport.Columns(format.Layout, CustomerExport.PassThroughNames(s));
        string Header(string name) => format.Layout switch
        {
            ExportLayout.HubSpot => "journeyml_" + name,
            ExportLayout.Salesforce => "JourneyML_" + string.Join('_', name.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..])) + "__c",
            _ => name,
        };
        static string N(double? v) => v?.ToString("0.####", CultureInfo.InvariantCulture) ?? "";
        var own = new (string Name, Func<WhomToCallRow, string> Cell)[]
        {
            ("uplift_rank", w => w.Place.ToString(CultureInfo.InvariantCulture)),
            ("best_action", w => Core.Features.Csv.Escape(w.Uplift.Kind)),
            ("uplift", w => N(w.Uplift.Uplift)),
            ("uplift_low", w => N(w.Uplift.Interval?.Low)),
            ("uplift_high", w => N(w.Uplift.Interval?.High)),
            ("uplift_clear", w => w.Uplift.Clear ? "true" : "false"),
        };
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Select(c => Core.Features.Csv.Escape(c.Header)).Concat(own.Select(o => Core.Features.Csv.Escape(Header(o.Name))))).Append(format.NewLine);
        foreach (var row in rows)
        {
            sb.AppendJoin(',', columns.Select(c => c.Cell(row.Customer)).Concat(own.Select(o => o.Cell(row)))).Append(format.NewLine);
        }
        return [.. format.Encoding.GetPreamble(), .. format.Encoding.GetBytes(sb.ToString())];
    }

    /// <summary>The page and its export, among the workspace's pages (reads follow Security:ProtectReads there).</summary>
    public static RouteGroupBuilder MapWhomToCall(this RouteGroupBuilder pages)
    {
        pages.MapGet(PagePath, List);
        pages.MapGet(ExportPath, Export).RequireRateLimiting(RateLimits.Exports);
        return pages;
    }

    internal static IResult List(HttpContext context, SnapshotHost snapshots, ModelHost models)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return WorkspaceEndpoints.NoSnapshot(ui);
        }
        var request = Parse(context.Request.Query);
        var cut = snapshots.Rules.ChurnRiskThreshold;
        var interventions = InterventionsFor(models, view.Latest);
        var page = interventions is null ? ([], 0, 0) : Page(view, interventions, request.Filter(cut), (request.Page - 1) * request.Size, request.Size);
        var model = new WhomToCallModel(view, request, interventions, page.Rows, page.Matching, page.Listed, ListChoices.Of(view), cut);
        return new RazorComponentResult<WhomToCallPage>(new { Ui = ui, Model = model }) { StatusCode = request.Problems.Count > 0 ? 400 : 200 };
    }

    internal static IResult Export(HttpContext context, SnapshotHost snapshots, ModelHost models)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return WorkspaceEndpoints.NoSnapshot(ui);
        }
        if (InterventionsFor(models, view.Latest) is not { } interventions)
        {
            return WorkspaceEndpoints.Message(ui, 404, ui["error.notFound"], ui["call.noInterventions"]);
        }
        var request = Parse(context.Request.Query);
        var layout = context.Request.Query["layout"].ToString();
        var excel = context.Request.Query["excel"].ToString();
        if (request.Problems.Count > 0 || !ExportFormat.LayoutNames.Contains(layout.Length == 0 ? "journeyml" : layout) || excel is not ("" or "true" or "false"))
        {
            return WorkspaceEndpoints.Message(ui, 400, ui["error.badRequest"], ui["error.badExport"]);
        }
        var format = new ExportFormat(ExportFormat.ParseLayout(layout, "layout"), excel == "true");
        var rows = All(view, interventions, request.Filter(snapshots.Rules.ChurnRiskThreshold));
        return TypedResults.File(Csv(view.Latest, rows, format), "text/csv; charset=utf-8",
            $"whom-to-call-{view.Latest.AsOf:yyyy-MM-dd}-{ExportFormat.Name(format.Layout)}.csv");
    }

    /// <summary>The risk list's query (filters, page size, page); the list has one order, so a <c>sort</c> is named as a problem, not ignored.</summary>
    internal static RiskListRequest Parse(IQueryCollection query)
    {
        var request = RiskListRequest.Parse(query);
        var sort = query["sort"].ToString();
        return sort.Length == 0 ? request : request with { Sort = "risk", Problems = [.. request.Problems, ("sort", sort)] };
    }

    public static string PageUrl(RiskListRequest request, int page) =>
        QueryHelpers.AddQueryString(PagePath, page > 1 ? [.. request.Parameters(), new("page", page.ToString(CultureInfo.InvariantCulture))] : request.Parameters());

    public static string ExportUrl(RiskListRequest request, string layout, bool excel) => QueryHelpers.AddQueryString(ExportPath,
        [.. request.Parameters().Where(p => p.Key is not ("size" or "page")), new("layout", layout), .. excel ? [new KeyValuePair<string, string?>("excel", "true")] : Array.Empty<KeyValuePair<string, string?>>()]);

    /// <summary>The same filters on the churn-risk list (its page 1).</summary>
    public static string RiskListUrl(RiskListRequest request) => request.PageUrl(1);
}

/// <summary>What the "whom to call" page shows: a page of the list, the effects it rests on, the pickers' choices.</summary>
public sealed record WhomToCallModel(SnapshotView View, RiskListRequest Request, InterventionMetadata? Interventions, IReadOnlyList<WhomToCallRow> Rows,
    int Matching, int Listed, ListChoices Choices, double BandCut)
{
    public Snapshot Latest => View.Latest;
    public int Pages => Math.Max(1, (Matching + Request.Size - 1) / Request.Size);
    public int First => Rows.Count == 0 ? 0 : (Request.Page - 1) * Request.Size + 1;
    public int Last => Rows.Count == 0 ? 0 : First + Rows.Count - 1;
    public IEnumerable<ColumnChoice> TableColumns => Choices.Columns.Where(c => c.InTable);

    /// <summary>Paying customers whom no measured kind is expected to help (not on the list).</summary>
    public int NotHelped => View.RankedByRisk.Length - Listed;

    public string? Own(CustomerRow row, string column) => row.PassThrough is { } own && own.TryGetValue(column, out var v) ? v : null;
}
