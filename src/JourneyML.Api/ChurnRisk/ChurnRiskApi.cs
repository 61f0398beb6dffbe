using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Scoring;
using JourneyML.Core.Survival;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.ChurnRisk;

public sealed record ChurnRiskPage(string ModelVersion, DateTime AsOf, DateTime? PreviousAsOf, string Snapshot, int Returned, IReadOnlyList<CustomerRow> Customers,
    string? NextCursor) : IModelVersioned
{
    /// <summary>The days the list is ranked by when asked with <c>within</c> (the survival curves' risk of churning within them); null: the churn risk.</summary>
    public int? Within { get; init; }
}

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
                "layout=journeyml|hubspot|salesforce picks the columns, excel=true writes UTF-8 with BOM and CRLF for Excel (either implies CSV). " +
                "within=30 (60, 90, 120, 150 or 180) ranks by the probability of churning within that many days, from the survival curves (each row's churnWithin; minRisk then applies to it). " +
                "rankBy=uplift ranks by the uplift of each customer's best action (each row's uplift and bestAction), from the intervention effects of the model that scored the snapshot; each row's upliftClear says whether its effect's interval excludes 0.");
        return group;
    }

    internal static Results<Ok<ChurnRiskPage>, FileContentHttpResult> List(SnapshotHost snapshots, HttpContext context, int? top = null, int? segment = null,
        string? stage = null, string? account = null, double? minRisk = null, string? cursor = null, string? format = null, string? layout = null, bool? excel = null,
        int? within = null, string? rankBy = null)
    {
        // The reasons (and change reasons) in Japanese for ?lang=ja or Accept-Language: ja, as the customer endpoint and predictions answer.
        var language = Predictions.ReasonLanguages.Of(context);
        bool byUplift = string.Equals(rankBy, "uplift", StringComparison.Ordinal);
        new FieldErrors().Check("rankBy", rankBy is null || RiskListQuery.RankBy.Contains(rankBy), "must be one of " + string.Join(", ", RiskListQuery.RankBy))
            .Check("rankBy", !(byUplift && within is not null), "rankBy=uplift ranks by the best action's uplift; it cannot be combined with within").ThrowIfAny();
        var start = Cursor.Decode(cursor);
        new FieldErrors().Between("top", top, 1, MaxTop).Between("minRisk", minRisk, 0, 1).Check("cursor", start is not null, Cursor.NotOurs)
            .OneOf("format", format, "json", "csv").Layout(layout)
            .Check("within", within is null || SurvivalCurve.Days.Contains(within.Value), "must be one of " + string.Join(", ", SurvivalCurve.Days) + " (days)").ThrowIfAny();
        var view = snapshots.Current ?? throw NotReady.NoSnapshot();
        var s = view.Latest;
        var survival = s.TimeToChurn;
        new FieldErrors().Check("within", within is null || survival is not null,
            "the latest snapshot has no survival curves: the model version that scored it has no survival model (train again, then score)").ThrowIfAny();
        Func<int, float> risk = within is { } days ? r => survival!.Within(r, days) : r => s.ChurnRisk[r];
        bool csv = CsvAnswer.Wanted(context.Request, format, layout, excel);
        int limit = top ?? (csv ? int.MaxValue : 100);
        var uplift = byUplift ? UpliftOf(context.RequestServices.GetRequiredService<ModelHost>(), s) : null;
        var ranked = within is { } d ? ByChurnWithin(s, survival!, d) : uplift is not null ? RiskListQuery.RankedByUplift(view, uplift) : view.RankedByRisk;
        Cursor.CheckWithin(start!.Value, ranked.Length);
        // The same filters as the workspace's list (RiskFilter); minRisk stays out of it here to stop the walk at the first row below it.
        var matches = new RiskFilter { Segment = segment, Stage = stage, Account = account }.For(s);
        var rows = new List<CustomerRow>(Math.Min(limit, 1024));
        int position = start!.Value;
        for (; position < ranked.Length && rows.Count < limit; position++)
        {
            int r = ranked[position];
            if (minRisk is { } min && risk(r) < min && uplift is null)
            {
                position = ranked.Length; // ranked: nothing below can qualify
                break;
            }
            if (matches(r) && !(minRisk is { } floor && risk(r) < floor))
            {
                var row = CustomerRow.From(s, r, position + 1, language) with { ChurnWithin = within is null ? null : CustomerRow.RoundScore(risk(r)) };
                rows.Add(uplift is null ? row : row.WithUplift(uplift, r));
            }
        }
        if (csv)
        {
            return CsvAnswer.File(s, rows, layout, excel, "churn-risk");
        }
        return TypedResults.Ok(new ChurnRiskPage(s.ModelVersion, s.AsOf, view.PreviousAsOf, Path.GetFileName(view.Path), rows.Count, rows,
            position < ranked.Length ? Cursor.Encode(position) : null) { Within = within });
    }

    /// <summary>
    /// The snapshot's uplift columns; for a snapshot written before them, the same read off the served model's effects when
    /// that model scored it. A 400 naming rankBy when there is nothing to rank by, or no kind's effect could be measured.
    /// </summary>
    private static CustomerUplift UpliftOf(ModelHost models, Snapshot s)
    {
        var current = models.Current;
        var uplift = s.Uplift ?? (current is not null && current.ModelVersion == s.ModelVersion
            ? CustomerUplift.Of(s.Status, s.ChurnRisk, s.SegmentIds, current.Models.Metadata.Interventions) : null);
        new FieldErrors().Check("rankBy", uplift is not null, current is not null && current.ModelVersion != s.ModelVersion
            ? $"the latest snapshot was scored by {s.ModelVersion}, not the served model {current.ModelVersion}: score again to rank by uplift"
            : "the model that scored the latest snapshot has no intervention effects: train on data with an interventions table, then score").ThrowIfAny();
        new FieldErrors().Check("rankBy", uplift!.ByKind.Count > 0,
            "no intervention kind's effect could be measured on the training data (too small to say: GET /v1/interventions/effects says why per kind), so there is no uplift to rank by").ThrowIfAny();
        return uplift;
    }

    /// <summary>Paying customers with a curve, by the probability of churning within the days, highest first (ties by id, as the churn-risk list).</summary>
    private static int[] ByChurnWithin(Snapshot s, TimeToChurn survival, int days) =>
        [.. Enumerable.Range(0, s.Count).Where(r => !float.IsNaN(survival.Within(r, days)))
            .OrderByDescending(r => survival.Within(r, days)).ThenBy(r => s.CustomerIds[r], StringComparer.Ordinal)];
}
