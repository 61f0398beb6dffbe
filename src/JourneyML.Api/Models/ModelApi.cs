using JourneyML.Api.Errors;
using JourneyML.Api.Security;
using JourneyML.Api.Serving;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Models;

public sealed record ModelSummary(string Version, DateTime CreatedAt, TrainingMode Mode, DateTime? AsOf, int Customers, int Segments, string? ChurnTrainer,
    double? ChurnRocAuc, double? ChurnPrAuc, string? LeadTrainer, double? LeadRocAuc, bool Champion, bool Serving, string? Promotion,
    Interval95? ChurnRocAuc95, Interval95? LeadRocAuc95, IReadOnlyList<string> Warnings)
{
    /// <param name="m">Warnings: a model withheld or forced below the promotion floor, a holdout too small to trust (<see cref="ModelWarnings"/>).</param>
    public static ModelSummary From(ModelMetadata m, string? champion, string? serving) =>
        new(m.Version, m.CreatedAt, m.Mode, m.AsOf, m.Rows.Customers, m.Segmentation.ChosenK, m.Churn?.Trainer, Round(m.Churn?.Holdout.Auc),
            Round(m.Churn?.Holdout.PrAuc), m.Lead?.Trainer, Round(m.Lead?.Holdout.Auc), m.Version == champion, m.Version == serving, m.Promotion?.Reason,
            Round(m.Churn?.Intervals?.Auc), Round(m.Lead?.Intervals?.Auc), ModelWarnings.Of(m));

    private static Interval95? Round(Interval95? i) => i is { } x ? new Interval95(Math.Round(x.Low, 4), Math.Round(x.High, 4)) : null;

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;
}

public sealed record ModelList(string? Champion, string? Serving, string? Refused, string? RefusedReason, IReadOnlyList<ModelSummary> Versions) : IModelVersioned
{
    string? IModelVersioned.ModelVersion => Serving;
}

public sealed record ChampionResponse(string Champion, string Serving, DateTime PromotedAt, string Reason) : IModelVersioned
{
    string? IModelVersioned.ModelVersion => Serving;
}

public sealed record PromoteRequest
{
    public string? Reason { get; init; }
}

/// <summary>The model registry: versions, their metadata, promotion and rollback (which the service serves within the call).</summary>
public static class ModelApi
{
    public static RouteGroupBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/models").WithTags("Models").TagModelVersion(ModelVersionTag.Requested);
        group.MapGet("/", List).WithName("Models").RequireReadKey().WithSummary("Every complete model version, newest first; the champion and the version serving marked");
        group.MapGet("/{version}", Get).WithName("Model").RequireReadKey().WithSummary("A version's full metadata: data, choices, metrics, segments, drift, promotion");
        group.MapPost("/{version}/promote", Promote).WithName("PromoteModel").RequireWriteKey()
            .WithSummary("Make a version the champion; it is loaded and checked first, and served when this call returns")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/rollback", Rollback).WithName("RollbackModel").RequireWriteKey()
            .WithSummary("Bring back the previous champion, once it loads")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    internal static Ok<ModelList> List(ModelHost host)
    {
        var champion = host.Registry.Champion()?.Version;
        var serving = host.Current?.ModelVersion;
        return TypedResults.Ok(new ModelList(champion, serving, host.Refused?.Version, host.Refused?.Reason,
            [.. host.Registry.List().Select(m => ModelSummary.From(m, champion, serving))]));
    }

    /// <summary>The version's metadata.json as the registry wrote it (the documented format of a model version).</summary>
    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> Get(string version, ModelHost host, HttpContext context)
    {
        CheckVersion(version);
        if (host.Registry.Find(version) is null)
        {
            return Unknown(version);
        }
        var path = Path.Combine(host.Registry.VersionDirectory(version), ModelRegistry.MetadataFile);
        return TypedResults.Content(await File.ReadAllTextAsync(path, context.RequestAborted), "application/json; charset=utf-8");
    }

    internal static async Task<Ok<ChampionResponse>> Promote(string version, ModelHost host, HttpContext context, PromoteRequest? request = null)
    {
        CheckVersion(version);
        if (request?.Reason is { Length: > 500 })
        {
            throw RequestValidationException.For("reason", "at most 500 characters");
        }
        // Loaded and warmed as the service would serve it before it becomes the champion: one that cannot serve is refused (422).
        var pointer = host.Registry.PromoteLoadable(version, request?.Reason ?? "promoted through the API", DateTime.UtcNow, models => host.Prepare(models));
        host.ForgetRefusal();
        var serving = await host.RefreshAsync(context.RequestAborted);
        return TypedResults.Ok(new ChampionResponse(pointer.Version, serving?.ModelVersion ?? "", pointer.PromotedAt, pointer.Reason));
    }

    internal static async Task<Ok<ChampionResponse>> Rollback(ModelHost host, HttpContext context)
    {
        var pointer = host.Registry.RollbackLoadable(DateTime.UtcNow, models => host.Prepare(models));
        var serving = await host.RefreshAsync(context.RequestAborted);
        return TypedResults.Ok(new ChampionResponse(pointer.Version, serving?.ModelVersion ?? "", pointer.PromotedAt, pointer.Reason));
    }

    private static void CheckVersion(string version)
    {
        // Only a version string ever reaches the file system: no path, no '..'.
        if (!ModelRegistry.IsValidVersion(version))
        {
            throw RequestValidationException.For("version", "not a model version (expected yyyyMMdd-HHmmss-xxxxxxxx-xxxx, as models list shows them)");
        }
    }

    private static ProblemHttpResult Unknown(string version) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown model version", detail: $"no complete model version {version} in the registry");
}
