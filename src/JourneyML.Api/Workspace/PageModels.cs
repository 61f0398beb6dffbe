using System.Globalization;
using JourneyML.Core.Features;
using JourneyML.Core.Scoring;

namespace JourneyML.Api.Workspace;

/// <summary>What the churn-risk page shows: one page of the filtered list, the pickers' choices, the snapshot it comes from.</summary>
public sealed record ChurnRiskModel(SnapshotView View, RiskListRequest Request, RiskListPage Page, ListChoices Choices, double BandCut)
{
    public Snapshot Latest => View.Latest;
    public int Pages => Math.Max(1, (Page.Matching + Request.Size - 1) / Request.Size);
    public int First => Page.Rows.Count == 0 ? 0 : Page.Offset + 1;
    public int Last => Page.Offset + Page.Rows.Count;
    public IEnumerable<ColumnChoice> TableColumns => Choices.Columns.Where(c => c.InTable);

    public string? Own(CustomerRow row, string column) => row.PassThrough is { } own && own.TryGetValue(column, out var v) ? v : null;
}

/// <summary>One snapshot of a customer's history, for the chart and the timeline.</summary>
public sealed record HistoryPoint(DateTime AsOf, string ModelVersion, double? ChurnRisk, double? LeadScore, string? Stage);

/// <summary>A stretch of the stage timeline: a stage and the snapshots it was seen in, first to last.</summary>
public sealed record StageSpan(string Stage, DateTime From, DateTime To, int Snapshots);

/// <summary>An activity signal of the customer, named as the export names the event.</summary>
public sealed record Activity(string EventType, IReadOnlyList<string> TheirNames, int Days, double Count);

/// <summary>What the customer page shows: the latest row, its history, the stages seen, activity, and the account's buying group.</summary>
public sealed record CustomerModel(
    SnapshotView View,
    CustomerRow Row,
    string? Role,
    double? DaysInStage,
    IReadOnlyList<HistoryPoint> History,
    IReadOnlyList<StageSpan> Stages,
    IReadOnlyList<Activity> Activity,
    AccountRollup? Account,
    double BandCut)
{
    public Snapshot Latest => View.Latest;
    /// <summary>The survival curve the API's customer endpoint answers (paying customers, when the version has a survival model).</summary>
    public Customers.TimeToChurnResponse? TimeToChurn { get; init; }
    public IReadOnlyList<string> Factors => Row.Factors.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static CustomerModel Of(SnapshotView view, int row, double bandCut, EventNames names)
    {
        var s = view.Latest;
        var history = view.History(row).Select(p => new HistoryPoint(p.AsOf, p.ModelVersion, CustomerRow.RoundScore(p.ChurnRisk ?? float.NaN),
            CustomerRow.RoundScore(p.LeadScore ?? float.NaN), p.Stage)).ToList();
        var activity = EventNames.Signals.Where(a => s.FeatureValues.TryGetValue(a.Feature, out var values) && !float.IsNaN(values[row]))
            .Select(a => new Activity(a.EventType, names.Of(a.EventType), a.Days, s.FeatureValues[a.Feature][row])).ToList();
        double? days = s.StageDays is { } d && !float.IsNaN(d[row]) ? d[row] : null;
        var account = s.AccountIds[row] is { Length: > 0 } id ? AccountRollup.Of(view, id) : null;
        return new CustomerModel(view, CustomerRow.From(view, row), s.Roles?[row], days, history, Spans(history), activity, account, bandCut)
        {
            TimeToChurn = Customers.TimeToChurnResponse.Of(s, row),
        };
    }

    /// <summary>Consecutive snapshots in the same stage as one stretch, oldest first.</summary>
    private static List<StageSpan> Spans(IReadOnlyList<HistoryPoint> history)
    {
        var spans = new List<StageSpan>();
        foreach (var p in history.Where(p => p.Stage is not null))
        {
            if (spans.Count > 0 && spans[^1].Stage == p.Stage)
            {
                spans[^1] = spans[^1] with { To = p.AsOf, Snapshots = spans[^1].Snapshots + 1 };
            }
            else
            {
                spans.Add(new StageSpan(p.Stage!, p.AsOf, p.AsOf, 1));
            }
        }
        return spans;
    }

    /// <summary>The line of churn risk over the snapshots (or lead score for a lead), for the chart; null with fewer than two points.</summary>
    public RiskChart? Chart()
    {
        bool lead = Row.Status == CustomerStatus.Lead;
        var points = History.Select(h => (h.AsOf, Value: lead ? h.LeadScore : h.ChurnRisk)).Where(p => p.Value is not null).Select(p => (p.AsOf, p.Value!.Value)).ToList();
        return points.Count >= 2 ? new RiskChart(points, lead) : null;
    }
}

/// <summary>What the account page shows: the buying group rolled up from the latest snapshot.</summary>
public sealed record AccountModel(SnapshotView View, AccountRollup Rollup, double BandCut)
{
    public Snapshot Latest => View.Latest;
}

/// <summary>
/// A score over time as an inline SVG (no script, no external file): points in time order on a 0-100% scale, the
/// x axis by date. Coordinates are computed here; the page writes them out.
/// </summary>
public sealed record RiskChart(IReadOnlyList<(DateTime AsOf, double Value)> Points, bool IsLeadScore)
{
    public const int Width = 640, Height = 220, Left = 48, Right = 16, Top = 12, Bottom = 32;

    public double X(DateTime when)
    {
        double from = Points[0].AsOf.Ticks, to = Points[^1].AsOf.Ticks;
        return Left + (to == from ? 0.5 : (when.Ticks - from) / (to - from)) * (Width - Left - Right);
    }

    public static double Y(double value) => Top + (1 - Math.Clamp(value, 0, 1)) * (Height - Top - Bottom);

    public string PolylinePoints => string.Join(' ', Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.AsOf):0.#},{Y(p.Value):0.#}")));

    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The first date's label starts at its point and the last one's ends there, so neither runs off the chart.</summary>
    public string AnchorOf(DateTime date) => Points.Count > 1 && date == Points[0].AsOf ? "start" : Points.Count > 1 && date == Points[^1].AsOf ? "end" : "middle";

    /// <summary>At most six dates on the axis, first and last always.</summary>
    public IEnumerable<DateTime> AxisDates()
    {
        int step = Math.Max(1, (int)Math.Ceiling((Points.Count - 1) / 5.0));
        return Enumerable.Range(0, Points.Count).Where(i => i % step == 0).Append(Points.Count - 1).Distinct().Select(i => Points[i].AsOf);
    }
}

/// <summary>What the segments page shows: the API's segment list, the snapshot its sizes come from, and the sizes in each snapshot of the history.</summary>
public sealed record SegmentsModel(Segments.SegmentList List, DateTime? SnapshotAsOf)
{
    public IReadOnlyList<SegmentSizes> History { get; init; } = [];

    /// <summary>The sizes chart; null with fewer than two snapshots (one point is no line).</summary>
    public SegmentSizeChart? Chart => History.Count >= 2 ? new SegmentSizeChart(History, [.. List.Segments.Select(s => s.Id)]) : null;
}

/// <summary>
/// Segment sizes over the snapshots as an inline SVG: one line per segment of the served model, x by snapshot date, y
/// by members from zero. Each line is named at its end (its segment id), so colour is never the only key.
/// </summary>
public sealed record SegmentSizeChart(IReadOnlyList<SegmentSizes> History, IReadOnlyList<int> Segments)
{
    public const int Width = 680, Height = 240, Left = 56, Right = 40, Top = 12, Bottom = 32;

    /// <summary>The y axis' step: 1, 2 or 5 times a power of ten, at most five steps up to the largest size.</summary>
    public int Step { get; } = NiceStep(Largest(History));

    /// <summary>The top of the y axis: the largest size, rounded up to a whole step.</summary>
    public int Max => (Largest(History) + Step - 1) / Step * Step;

    private static int Largest(IReadOnlyList<SegmentSizes> history) => Math.Max(1, history.SelectMany(h => h.Segments.Values).Select(v => v.Members).DefaultIfEmpty(1).Max());

    public int SizeOf(SegmentSizes h, int segment) => h.Segments.TryGetValue(segment, out var size) ? size.Members : 0;

    public double X(DateTime when)
    {
        double from = History[0].AsOf.Ticks, to = History[^1].AsOf.Ticks;
        return Left + (to == from ? 0.5 : (when.Ticks - from) / (to - from)) * (Width - Left - Right);
    }

    public double Y(int members) => Top + (1 - members / (double)Max) * (Height - Top - Bottom);

    public string Points(int segment) => string.Join(' ', History.Select(h => string.Create(CultureInfo.InvariantCulture, $"{X(h.AsOf):0.#},{Y(SizeOf(h, segment)):0.#}")));

    /// <summary>The y axis' ticks: 0 to <see cref="Max"/> in <see cref="Step"/>s.</summary>
    public IEnumerable<int> Ticks => Enumerable.Range(0, Max / Step + 1).Select(i => i * Step);

    /// <summary>
    /// Where each line's name goes at the right end: at its last point, pushed apart to at least 12 px from the one above,
    /// so segments of about the same size stay readable.
    /// </summary>
    public IReadOnlyDictionary<int, double> LabelY()
    {
        var labels = new Dictionary<int, double>();
        double last = double.NegativeInfinity;
        foreach (var segment in Segments.OrderBy(s => Y(SizeOf(History[^1], s))).ThenBy(s => s))
        {
            last = Math.Max(Y(SizeOf(History[^1], segment)) + 4, last + 12);
            labels[segment] = last;
        }
        return labels;
    }

    private static int NiceStep(int max)
    {
        double rough = Math.Max(1, max) / 5.0;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (var m in new[] { 1, 2, 5, 10 })
        {
            if (m * power >= rough)
            {
                return Math.Max(1, (int)(m * power));
            }
        }
        return (int)(10 * power);
    }
}

/// <summary>What a segment's page shows: its profile (the API's), a page of its members (the API's list), and its size in each snapshot.</summary>
public sealed record SegmentModel(Segments.SegmentDetail Detail, Segments.SegmentMembers Members, int Page, IReadOnlyList<SegmentSizes> History, double BandCut)
{
    public const int PageSize = 50;
    public int Pages => Math.Max(1, (Members.Total + PageSize - 1) / PageSize);
    public int First => Members.Returned == 0 ? 0 : (Page - 1) * PageSize + 1;
    public int Last => (Page - 1) * PageSize + Members.Returned;
}

/// <summary>What the accounts page shows: a page of the accounts ranked by churn risk, each rolled up.</summary>
public sealed record AccountsModel(Snapshot Latest, IReadOnlyList<(int Rank, AccountRollup Rollup)> Rows, int Matching, int Total, int Page, int Size, string? Search, double BandCut)
{
    public const int PageSize = 50;
    public int Pages => Math.Max(1, (Matching + Size - 1) / Size);

    public string PageUrl(int page) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/accounts",
        [new("page", page.ToString(CultureInfo.InvariantCulture)), .. Search is null ? [] : new[] { new KeyValuePair<string, string?>("q", Search) }]);

    /// <summary>A page of the ranking (the rank is the place in the whole ranking), filtered by part of the account id.</summary>
    public static AccountsModel Of(SnapshotView view, string? search, int page, double bandCut)
    {
        var ranked = AccountRanking.Of(view);
        var matching = Enumerable.Range(0, ranked.Count)
            .Where(i => search is null || ranked[i].AccountId.Contains(search, StringComparison.OrdinalIgnoreCase));
        int count = search is null ? ranked.Count : matching.Count();
        var rows = matching.Skip((page - 1) * PageSize).Take(PageSize).Select(i => (i + 1, AccountRollup.Of(view, ranked[i].AccountId))).ToList();
        return new AccountsModel(view.Latest, rows, count, ranked.Count, page, PageSize, search, bandCut);
    }
}

/// <summary>One customer of a map's list, with the latest snapshot's row when the snapshot has them.</summary>
public sealed record JourneyMemberRow(JourneyML.Core.Journeys.JourneyMember Member, CustomerRow? Latest);

/// <summary>What the journey map page shows: the map for the pickers' window, segment and account, its picture, and the customers of what was clicked.</summary>
public sealed record JourneyMapModel(
    JourneyMapRequest Request,
    JourneyML.Core.Journeys.JourneyMap Map,
    JourneyML.Core.Journeys.JourneyFlowLayout Layout,
    IReadOnlyList<(int Id, string Name)> Segments,
    IReadOnlyList<JourneyMemberRow> Members,
    int MembersMatching,
    double BandCut)
{
    public DateTime From => Map.From;
    public DateTime To => Map.To;
    public int Pages => Math.Max(1, (MembersMatching + JourneyMapRequest.PageSize - 1) / JourneyMapRequest.PageSize);
    public int MaxNow { get; } = Math.Max(1, Map.Stages.Count == 0 ? 1 : Map.Stages.Max(s => s.CustomersNow));

    /// <summary>The shade of a stage's box: darker for more customers in it now.</summary>
    public string Shade(JourneyML.Core.Journeys.StageMetrics s) => (0.15 + 0.55 * s.CustomersNow / MaxNow).ToString("0.00", CultureInfo.InvariantCulture);

    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The page of the clicked list, each customer with their latest snapshot row.</summary>
    public static JourneyMapModel Of(JourneyMapRequest request, JourneyML.Core.Journeys.JourneyMembers members, SnapshotView? view,
        IReadOnlyList<(int Id, string Name)> segments, double bandCut)
    {
        IReadOnlyList<JourneyML.Core.Journeys.JourneyMember> list = request.Stage is { } stage
            ? request.Who == "stuck" ? members.Stuck(stage) : members.InStage(stage)
            : request.MoveFrom is { } from && request.MoveTo is { } to ? members.TookMove(from, to) : [];
        var page = list.Skip((request.Page - 1) * JourneyMapRequest.PageSize).Take(JourneyMapRequest.PageSize)
            .Select(m => new JourneyMemberRow(m, view is not null && view.TryFind(m.CustomerId, out int row) ? CustomerRow.From(view, row) : null)).ToList();
        return new JourneyMapModel(request, members.Map, JourneyML.Core.Journeys.JourneyFlowLayout.Of(members.Map), segments, page, list.Count, bandCut);
    }
}

/// <summary>
/// A customer's time to churn as an inline SVG: the probability of having churned within 0 ... 180 days after the
/// snapshot, the model's 30-day points joined by straight lines (as the curve is read between them).
/// </summary>
public sealed record SurvivalChart(IReadOnlyList<Customers.SurvivalPointResponse> Curve)
{
    public const int Width = 520, Height = 220, Left = 48, Right = 16, Top = 12, Bottom = 32;

    public static double X(int days) => Left + days / (double)JourneyML.Core.Survival.SurvivalCurve.Days[^1] * (Width - Left - Right);

    public static double Y(double value) => Top + (1 - Math.Clamp(value, 0, 1)) * (Height - Top - Bottom);

    /// <summary>From day 0 (nobody churned yet) through each point of the curve.</summary>
    public string PolylinePoints => string.Join(' ', Curve.Select(p => (p.Days, p.ChurnRisk)).Prepend((0, 0.0))
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.Item1):0.#},{Y(p.Item2):0.#}")));

    /// <summary>The points a CS lead plans by: 30, 60, 90 and 180 days.</summary>
    public IEnumerable<Customers.SurvivalPointResponse> Reported => Curve.Where(p => JourneyML.Core.Survival.SurvivalCurve.ReportedDays.Contains(p.Days));
}
