using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.ChurnRisk;

public sealed record ChurnRiskPage(string ModelVersion, DateTime AsOf, DateTime? PreviousAsOf, string Snapshot, int Returned, IReadOnlyList<CustomerRow> Customers,
    string? NextCursor) : IModelVersioned;

/// <summary>The ranked churn-risk list of the latest snapshot: the customer-success team's worklist.</summary>
public static class ChurnRiskApi
{
    public const int MaxTop = 10_000;

    public static RouteGroupBuilder MapChurnRiskEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Churn risk").TagModelVersion(ModelVersionTag.Scored).RequireRateLimiting(RateLimits.Exports);
        group.MapGet("/churn-risk", List).WithName("ChurnRiskList").ProducesCsv()
            .WithSummary("Customers ranked by churn risk, with their top factors and the change since the previous snapshot")
            .WithDescription("Paying customers with a churn risk, highest first (ties by id): the first section of the CLI's snapshot CSV. Filters: segment, stage, account, minRisk. " +
                "Page with the nextCursor. Accept: text/csv (or format=csv) exports the whole filtered list (top still applies when given) in the CLI's export shape; " +
                "layout=journeyml|hubspot|salesforce picks the columns, excel=true writes UTF-8 with BOM and CRLF for Excel (either implies CSV).");
        return group;
    }

    internal static Results<Ok<ChurnRiskPage>, FileContentHttpResult> List(SnapshotHost snapshots, HttpContext context, int? top = null, int? segment = null,
        string? stage = null, string? account = null, double? minRisk = null, string? cursor = null, string? format = null, string? layout = null, bool? excel = null)
    {
        var start = Cursor.Decode(cursor);
        new FieldErrors().Between("top", top, 1, MaxTop).Between("minRisk", minRisk, 0, 1).Check("cursor", start is not null, Cursor.NotOurs)
            .OneOf("format", format, "json", "csv").Layout(layout).ThrowIfAny();
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        bool csv = CsvAnswer.Wanted(context.Request, format, layout, excel);
        int limit = top ?? (csv ? int.MaxValue : 100);
        var ranked = view.RankedByRisk;
        Cursor.CheckWithin(start!.Value, ranked.Length);
        // The same filters as the workspace's list (RiskFilter); minRisk stays out of it here to stop the walk at the first row below it.
        var matches = new RiskFilter { Segment = segment, Stage = stage, Account = account }.For(s);
        var rows = new List<CustomerRow>(Math.Min(limit, 1024));
        int position = start!.Value;
        for (; position < ranked.Length && rows.Count < limit; position++)
        {
            int r = ranked[position];
            if (minRisk is { } min && s.ChurnRisk[r] < min)
            {
                position = ranked.Length; // ranked: nothing below can qualify
                break;
            }
            if (matches(r))
            {
                rows.Add(CustomerRow.From(s, r, position + 1));
            }
        }
        if (csv)
        {
            return CsvAnswer.File(s, rows, layout, excel, "churn-risk");
        }
        return TypedResults.Ok(new ChurnRiskPage(s.ModelVersion, s.AsOf, view.PreviousAsOf, Path.GetFileName(view.Path), rows.Count, rows,
            position < ranked.Length ? Cursor.Encode(position) : null));
    }
}
