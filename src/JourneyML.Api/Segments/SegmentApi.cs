using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Scoring;
using JourneyML.Core.Segmentation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Segments;

public sealed record SegmentSummary(int Id, string Name, string Description, int Size, double Share, double? ChurnRate, double? ConversionRate,
    IReadOnlyList<string> DistinguishingFeatures, bool IsNew, int? MembersInLatestSnapshot);

public sealed record SegmentList(string ModelVersion, int ChosenK, string ChoiceReason, IReadOnlyList<SegmentSummary> Segments) : IModelVersioned;

public sealed record SegmentDetail(string ModelVersion, SegmentSummary Segment, IReadOnlyList<FeatureStat> Features) : IModelVersioned;

public sealed record SegmentMembers(int SegmentId, string ModelVersion, DateTime AsOf, int Total, int Returned, IReadOnlyList<CustomerRow> Customers, string? NextCursor)
    : IModelVersioned;

/// <summary>The champion's behavioural segments, their profiles, and their members (for marketing's campaign exports).</summary>
public static class SegmentApi
{
    public const int MaxPage = 10_000;

    public static RouteGroupBuilder MapSegmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/segments").WithTags("Segments").TagModelVersion(ModelVersionTag.Scored);
        group.MapGet("/", List).WithName("Segments").WithSummary("The segments of the model being served, in words, with sizes and churn and conversion rates");
        group.MapGet("/{id:int}", Get).WithName("Segment").WithSummary("One segment's profile: every feature's mean against the population");
        group.MapGet("/{id:int}/members", Members).WithName("SegmentMembers")
            .WithSummary("The segment's customers in the latest snapshot, highest churn risk first; paged JSON, or CSV (Accept: text/csv or format=csv) for a campaign tool")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static Ok<SegmentList> List(ModelHost models, SnapshotHost snapshots)
    {
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var meta = predictor.Models.Metadata.Segmentation;
        var counts = MemberCounts(snapshots, predictor.ModelVersion);
        return TypedResults.Ok(new SegmentList(predictor.ModelVersion, meta.ChosenK, meta.ChoiceReason, [.. meta.Profiles.Select(p => Summary(p, counts))]));
    }

    internal static Results<Ok<SegmentDetail>, ProblemHttpResult> Get(int id, ModelHost models, SnapshotHost snapshots)
    {
        var predictor = models.Current ?? throw NotReady.NoChampion();
        var profile = predictor.Models.Metadata.Segmentation.Profiles.FirstOrDefault(p => p.SegmentId == id);
        if (profile is null)
        {
            return UnknownSegment(id, predictor.Models.Metadata.Segmentation.Profiles);
        }
        return TypedResults.Ok(new SegmentDetail(predictor.ModelVersion, Summary(profile, MemberCounts(snapshots, predictor.ModelVersion)), profile.Features));
    }

    internal static Results<Ok<SegmentMembers>, ContentHttpResult> Members(int id, SnapshotHost snapshots, HttpContext context,
        int? limit = null, string? cursor = null, string? format = null)
    {
        var start = Cursor.Decode(cursor);
        new FieldErrors().Between("limit", limit, 1, MaxPage).Check("cursor", start is not null, Cursor.NotOurs).OneOf("format", format, "json", "csv")
            .ThrowIfAny();
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        var members = SegmentMemberList.Rows(view, id);
        bool csv = Cursor.WantsCsv(context.Request, format);
        int take = limit ?? (csv ? members.Length : 100);
        var page = members.Skip(start!.Value).Take(take).Select(r => CustomerRow.From(view, r)).ToList();
        if (csv)
        {
            return TypedResults.Content(CustomerRow.ToCsv(page), "text/csv; charset=utf-8");
        }
        int next = start.Value + page.Count;
        return TypedResults.Ok(new SegmentMembers(id, s.ModelVersion, s.AsOf, members.Length, page.Count, page, next < members.Length ? Cursor.Encode(next) : null));
    }

    private static ProblemHttpResult UnknownSegment(int id, IReadOnlyList<SegmentProfile> profiles) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown segment",
            detail: $"segment {id} is not one of the served model's segments ({string.Join(", ", profiles.Select(p => p.SegmentId))})");

    private static IReadOnlyDictionary<int, int>? MemberCounts(SnapshotHost snapshots, string version) =>
        snapshots.Current is { } view ? SegmentMemberList.Sizes(view, version) : null;

    private static SegmentSummary Summary(SegmentProfile p, IReadOnlyDictionary<int, int>? counts) =>
        new(p.SegmentId, p.Name, p.Description, p.Size, Math.Round(p.Share, 4), Round(p.ChurnRate), Round(p.ConversionRate), p.DistinguishingFeatures, p.IsNew,
            counts is null ? null : counts.GetValueOrDefault(p.SegmentId));

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;
}
