using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Uplift;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Interventions;

/// <summary>
/// The served model's measured intervention effects: per kind, how it was measured (randomised holdout or doubly robust),
/// the effect on churn within the horizon with its 95% interval (null with <c>tooSmall</c> saying why), the naive
/// comparison, overlap, the effect per segment, the Qini curves by uplift and by risk, and the assumptions in words.
/// </summary>
public sealed record InterventionEffectList(string ModelVersion, DateTime AsOf, int HorizonDays, int ContactWindowDays, double Trim,
    IReadOnlyList<KindUplift> Kinds, IReadOnlyDictionary<string, string> SegmentNames, IReadOnlyList<string> Assumptions) : IModelVersioned
{
    string? IModelVersioned.ModelVersion => ModelVersion;
}

public static class InterventionApi
{
    public static RouteGroupBuilder MapInterventionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/interventions").WithTags("Interventions").TagModelVersion(ModelVersionTag.Serving);
        group.MapGet("/effects", Effects).WithName("InterventionEffects")
            .WithSummary("Each intervention kind's measured effect on churn within the horizon, with its interval, per segment, and the Qini curves of ranking by uplift against by risk")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static Results<Ok<InterventionEffectList>, ProblemHttpResult> Effects(ModelHost models)
    {
        var predictor = models.Current ?? throw NotReady.NoChampion();
        if (predictor.Models.Metadata.Interventions is not { } iv)
        {
            return TypedResults.Problem(statusCode: 404, title: "No intervention effects",
                detail: $"model {predictor.ModelVersion} was trained on data without an interventions table (interventions.csv or .parquet beside the customers; see the README's data contract)");
        }
        return TypedResults.Ok(new InterventionEffectList(predictor.ModelVersion, iv.AsOf, iv.HorizonDays, iv.ContactWindowDays, iv.Trim, iv.Kinds, iv.SegmentNames, iv.Assumptions));
    }
}
