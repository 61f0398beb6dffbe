using JourneyML.Api.Errors;
using JourneyML.Api.Security;
using JourneyML.Api.Serving;
using JourneyML.Core.Data;
using JourneyML.Core.Pipelines;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Jobs;

public sealed record RetrainRequest
{
    /// <summary>The data folder (behaviour logs) to train on: the service's data path by default; others must be inside Serving:DataRoots.</summary>
    public string? Data { get; init; }
    /// <summary>Training as-of date; default: the data's as-of date minus the horizon (the latest with complete labels).</summary>
    public DateTime? AsOf { get; init; }
    public int? HorizonDays { get; init; }
    /// <summary>A fixed number of segments; default chosen automatically.</summary>
    public int? Segments { get; init; }
    /// <summary>Train one fixed trainer instead of the selection sweep (faster).</summary>
    public bool FixedTrainer { get; init; }
    /// <summary>Run the out-of-time backtest (the chosen models refitted as of T minus the horizon, scored as of T); default true.</summary>
    public bool? Backtest { get; init; }
    public bool SkipInvalid { get; init; }
    public double? Tolerance { get; init; }
    /// <summary>Promote even when the gate says the new model is worse.</summary>
    public bool Force { get; init; }
}

/// <summary>Retraining jobs: features, train, gate, score, journey map, in the background; one at a time across the instances on a registry, states kept in it.</summary>
public static class JobApi
{
    public static RouteGroupBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/jobs").WithTags("Retraining jobs");
        group.MapPost("/retrain", Start).WithName("StartRetrain").RequireWriteKey()
            .WithSummary("Start a retraining job (features, train, gate, score, journey map); 202 with the job id, 409 while another runs on any instance");
        group.MapGet("/{id}", Get).WithName("Job").RequireReadKey().WithSummary("A job's status, step, progress and result");
        return group;
    }

    internal static Results<Accepted<RetrainJob>, ProblemHttpResult> Start(RetrainJobs jobs, ServingPaths paths, RetrainRequest? request = null)
    {
        var (job, running) = StartJob(jobs, paths, request ?? new RetrainRequest());
        if (job is null)
        {
            return TypedResults.Problem(statusCode: 409, title: "A retraining job is already running", detail: $"job {running} is running; one at a time");
        }
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", job);
    }

    /// <summary>The request checked and the job started; or the id of the job already running (the workspace's form starts jobs through this too).</summary>
    internal static (RetrainJob? Job, string? Running) StartJob(RetrainJobs jobs, ServingPaths paths, RetrainRequest request)
    {
        string? folder = request.Data is null ? paths.Data : paths.AllowedDataFolder(request.Data);
        new FieldErrors()
            .Check("data", folder is not null, "not an allowed data folder: it must be the service's data path or inside one of Serving:DataRoots")
            .Check("data", folder is null || Directory.Exists(folder), "no such data folder")
            .Between("horizonDays", request.HorizonDays, 1, 730, "days").Between("segments", request.Segments, 2, 30).Between("tolerance", request.Tolerance, 0, 0.5)
            .ThrowIfAny();
        var defaults = new RetrainSettings { DataDirectory = folder! };
        return jobs.Start(defaults with
        {
            AsOf = UtcTime.Normalize(request.AsOf),
            HorizonDays = request.HorizonDays ?? defaults.HorizonDays,
            Segments = request.Segments,
            FixedTrainer = request.FixedTrainer,
            Backtest = request.Backtest ?? defaults.Backtest,
            SkipInvalid = request.SkipInvalid,
            Tolerance = request.Tolerance ?? defaults.Tolerance,
            Force = request.Force,
        });
    }

    internal static Results<Ok<RetrainJob>, ProblemHttpResult> Get(string id, RetrainJobs jobs) =>
        jobs.Find(id) is { } job ? TypedResults.Ok(job) : TypedResults.Problem(statusCode: 404, title: "Unknown job", detail: "no retraining job with this id");
}
