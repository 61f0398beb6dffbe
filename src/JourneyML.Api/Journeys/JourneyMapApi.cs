using JourneyML.Core.Pipelines;
using JourneyML.Api.Errors;
using JourneyML.Api.Serving;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Journeys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Journeys;

/// <summary>
/// The journey map: the one the last retraining or scoring run wrote (all customers, or a segment), or one built on
/// demand from the data for any window, segment or account.
/// </summary>
public static class JourneyMapApi
{
    public static RouteGroupBuilder MapJourneyMapEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Journey maps").TagModelVersion(ModelVersionTag.Serving).RequireRateLimiting(RateLimits.JourneyMaps);
        group.MapGet("/journey-map", Get).WithName("JourneyMap")
            .WithSummary("The journey map as JSON, a self-contained HTML page, or Markdown")
            .WithDescription("Without from/to: the map of the last run (all customers, or the segment's), rebuilt if there is none. With from/to (yyyy-MM-dd), an account, " +
                "window (the funnel's conversion windows in days, repeated or listed: window=30&window=180 or window=30,180) or designed (the designed journey's moves, repeated or listed: designed=MQL>SQL,SQL>Opportunity): built on demand from the data (seconds for the sample; about a quarter of a minute for 100,000 customers). " +
                "Maps built on demand are limited per client (429) and queued (RateLimits:MapBuildsAtOnce build at once, RateLimits:MapBuildsWaiting wait; more get 503), both with Retry-After.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> Get(HttpContext context, ServingPaths paths, ModelHost models, JourneyMapBuilds builds,
        ILoggerFactory loggers, int? segment = null, string? account = null, DateTime? from = null, DateTime? to = null, string? format = null, int? stepDays = null,
        string[]? window = null, string[]? designed = null)
    {
        var windows = JourneyMapQuery.Windows(window, out var windowError);
        var moves = JourneyMapQuery.Moves(designed, out var designedError);
        new FieldErrors().OneOf("format", format, "json", "html", "md").Check("to", !(from is { } f && to is { } t && t <= f), "must be after from")
            .Between("stepDays", stepDays, 1, 60).Check("account", account is not { Length: > 200 }, "at most 200 characters")
            .Check("window", windowError is null, windowError!).Check("designed", designedError is null, designedError!).ThrowIfAny();
        format ??= "json";
        var file = format switch { "html" => JourneyMapFolders.HtmlFile, "md" => JourneyMapFolders.MarkdownFile, _ => JourneyMapFolders.JsonFile };
        var contentType = format switch { "html" => "text/html; charset=utf-8", "md" => "text/markdown; charset=utf-8", _ => "application/json; charset=utf-8" };
        if (from is null && to is null && account is null && stepDays is null && windows is null && moves is null)
        {
            var stored = Path.Combine(JourneyMapFolders.For(paths.Registry, segment), file);
            if (File.Exists(stored))
            {
                return TypedResults.Content(await File.ReadAllTextAsync(stored, context.RequestAborted), contentType);
            }
        }
        if (segment is not null && models.Current is { } current && !current.Models.Segmentation.SegmentIds.Contains(segment.Value))
        {
            return TypedResults.Problem(statusCode: 404, title: "Unknown segment",
                detail: $"segment {segment} is not one of the served model's segments ({string.Join(", ", current.Models.Segmentation.SegmentIds)})");
        }
        // A bounded queue: a build reads every event and keeps a core busy.
        using var slot = await builds.EnterAsync(context.RequestAborted);
        if (!slot.IsAcquired)
        {
            RateLimits.RetryAfter(context.Response, builds.RetryAfter);
            return TypedResults.Problem(statusCode: 503, title: "Busy building journey maps",
                detail: "as many journey maps as allowed are being built or waiting; try again after the Retry-After seconds, or read the last run's map (no from, to, account or stepDays)");
        }
        var directory = Directory.CreateTempSubdirectory("journeyml-map-").FullName;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var options = new JourneyOptions
            {
                DataDirectory = paths.Data,
                RegistryPath = paths.Registry,
                From = UtcTime.Day(from),
                To = UtcTime.Day(to),
                Segment = segment,
                Account = account,
                OutputDirectory = directory,
                FunnelWindowDays = windows ?? JourneyAnalysisOptions.DefaultWindowDays,
                DesignedMoves = moves,
            };
            // Without a step, the journey run's own default.
            JourneyRun.Run(stepDays is { } step ? options with { StepDays = step } : options, loggers.CreateLogger("journey-map"), context.RequestAborted);
            builds.Built(started.Elapsed);
            return TypedResults.Content(await File.ReadAllTextAsync(Path.Combine(directory, file), context.RequestAborted), contentType);
        }
        catch (DesignedJourneyException e)
        {
            // The designed moves name a stage the map's stages do not have: the request's mistake, said on its field.
            throw RequestValidationException.For("designed", e.Reason);
        }
        catch (Exception e) when (e is DataFileException or DataValidationException)
        {
            // The service's own data, not the request's: not ready until its data path is fixed.
            throw new NotReadyException("the service's data folder cannot be read for a journey map; the data path is set by Serving:DataPath");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

}
