using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Prediction;
using JourneyML.Core.Scoring;
using JourneyML.Core.Segmentation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Segments;

/// <summary>
/// A segment. <c>Size</c> is its members in the latest snapshot (paying customers, leads and churned customers: what the
/// member list and the CLI's <c>segments export</c> hold), null while the latest snapshot is another model's;
/// <c>TrainingSize</c> is the population its churn and conversion rates were measured on.
/// </summary>
public sealed record SegmentSummary(int Id, string Name, string Description, int? Size, double? Share, MemberCounts? Members, int TrainingSize, double TrainingShare,
    double? ChurnRate, double? ConversionRate, IReadOnlyList<string> DistinguishingFeatures, bool IsNew);

/// <summary>A list's members by section, in the snapshot of <c>AsOf</c>.</summary>
public sealed record MemberCounts(DateTime AsOf, int Customers, int Leads, int Churned)
{
    public static MemberCounts Of(DateTime asOf, ListCounts counts) => new(asOf, counts.Customers, counts.Leads, counts.Churned);
}

public sealed record SegmentList(string ModelVersion, int ChosenK, string ChoiceReason, IReadOnlyList<SegmentSummary> Segments) : IModelVersioned;

public sealed record SegmentDetail(string ModelVersion, SegmentSummary Segment, IReadOnlyList<FeatureStat> Features) : IModelVersioned;

public sealed record SegmentMembers(int SegmentId, string ModelVersion, DateTime AsOf, int Total, MemberCounts Members, int Returned, IReadOnlyList<CustomerRow> Customers,
    string? NextCursor) : IModelVersioned;

/// <summary>The champion's behavioural segments, their profiles, and their members (for marketing's campaign exports).</summary>
public static class SegmentApi
{
    public const int MaxPage = 10_000;

    public static RouteGroupBuilder MapSegmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/segments").WithTags("Segments").TagModelVersion(ModelVersionTag.Scored).RequireRateLimiting(RateLimits.Exports);
        group.MapGet("/", List).WithName("Segments").WithSummary("The segments of the model being served, in words, with sizes and churn and conversion rates");
        group.MapGet("/{id:int}", Get).WithName("Segment").WithSummary("One segment's profile: every feature's mean against the population");
        group.MapGet("/{id:int}/members", Members).WithName("SegmentMembers").ProducesCsv()
            .WithSummary("The segment's customers in the latest snapshot: paying customers by churn risk, then leads by lead score, then churned; paged JSON, or CSV for a campaign tool")
            .WithDescription("Accept: text/csv (or format=csv) answers the whole list (or limit rows) in the CLI's export shape; layout=journeyml|hubspot|salesforce picks the columns, " +
                "excel=true writes UTF-8 with BOM and CRLF for Excel (either implies CSV).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The list with its names in the asked language (<c>?lang=ja</c> or <c>Accept-Language: ja</c>), English otherwise.</summary>
    internal static Ok<SegmentList> List(ModelHost models, SnapshotHost snapshots, HttpContext context) =>
        ListIn(models, snapshots, Predictions.ReasonLanguages.Of(context));

    internal static Ok<SegmentList> ListIn(ModelHost models, SnapshotHost snapshots, ReasonLanguage language)
    {
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var meta = predictor.Models.Metadata.Segmentation;
        var counts = SnapshotSizesOf(snapshots, predictor.ModelVersion);
        return TypedResults.Ok(new SegmentList(predictor.ModelVersion, meta.ChosenK, meta.ChoiceReason, [.. meta.Profiles.Select(p => Summary(p, counts, language))]));
    }

    internal static Results<Ok<SegmentDetail>, ProblemHttpResult> Get(int id, ModelHost models, SnapshotHost snapshots, HttpContext context) =>
        GetIn(id, models, snapshots, Predictions.ReasonLanguages.Of(context));

    internal static Results<Ok<SegmentDetail>, ProblemHttpResult> GetIn(int id, ModelHost models, SnapshotHost snapshots, ReasonLanguage language)
    {
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var profile = predictor.Models.Metadata.Segmentation.Profiles.FirstOrDefault(p => p.SegmentId == id);
        if (profile is null)
        {
            return UnknownSegment(id, predictor.Models.Metadata.Segmentation.Profiles);
        }
        return TypedResults.Ok(new SegmentDetail(predictor.ModelVersion, Summary(profile, SnapshotSizesOf(snapshots, predictor.ModelVersion), language), profile.Features));
    }

    internal static Results<Ok<SegmentMembers>, FileContentHttpResult> Members(int id, SnapshotHost snapshots, HttpContext context,
        int? limit = null, string? cursor = null, string? format = null, string? layout = null, bool? excel = null)
    {
        var language = Predictions.ReasonLanguages.Of(context);
        var start = Cursor.Decode(cursor);
        new FieldErrors().Between("limit", limit, 1, MaxPage).Check("cursor", start is not null, Cursor.NotOurs).OneOf("format", format, "json", "csv")
            .Layout(layout).ThrowIfAny();
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        var members = SegmentMemberList.Rows(view, id);
        Cursor.CheckWithin(start!.Value, members.Length);
        bool csv = CsvAnswer.Wanted(context.Request, format, layout, excel);
        int take = limit ?? (csv ? members.Length : 100);
        var page = members.Skip(start!.Value).Take(take).Select(r => CustomerRow.From(view, r, language)).ToList();
        if (csv)
        {
            return CsvAnswer.File(s, page, layout, excel, $"segment-{id}");
        }
        int next = start.Value + page.Count;
        return TypedResults.Ok(new SegmentMembers(id, s.ModelVersion, s.AsOf, members.Length, MemberCounts.Of(s.AsOf, RankedList.Count(s, members)), page.Count, page,
            next < members.Length ? Cursor.Encode(next) : null));
    }

    private static ProblemHttpResult UnknownSegment(int id, IReadOnlyList<SegmentProfile> profiles) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown segment",
            detail: $"segment {id} is not one of the served model's segments ({string.Join(", ", profiles.Select(p => p.SegmentId))})");

    private static SnapshotSizes? SnapshotSizesOf(SnapshotHost snapshots, string version) =>
        snapshots.Current is { } view && SegmentMemberList.Sizes(view, version) is { } sizes ? new SnapshotSizes(view.Latest.AsOf, view.Latest.Count, sizes) : null;

    /// <summary>The latest snapshot's members per segment, when the served model scored it.</summary>
    private sealed record SnapshotSizes(DateTime AsOf, int Total, IReadOnlyDictionary<int, ListCounts> Sizes);

    private static SegmentSummary Summary(SegmentProfile p, SnapshotSizes? snapshot, ReasonLanguage language)
    {
        var counts = snapshot is null ? null : snapshot.Sizes.GetValueOrDefault(p.SegmentId) ?? new ListCounts(0, 0, 0);
        return new(p.SegmentId, p.NameIn(language == ReasonLanguage.Japanese), p.Description, counts?.Total, counts is null ? null : Math.Round((double)counts.Total / snapshot!.Total, 4),
            counts is null ? null : MemberCounts.Of(snapshot!.AsOf, counts), p.Size, Math.Round(p.Share, 4), Round(p.ChurnRate), Round(p.ConversionRate),
            p.DistinguishingFeatures, p.IsNew);
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;
}
