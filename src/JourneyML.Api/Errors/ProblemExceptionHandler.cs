using System.Text.Json;
using JourneyML.Api.Serving;
using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace JourneyML.Api.Errors;

/// <summary>
/// Every error as application/problem+json, and the one place where a kind of failure becomes a status code: invalid
/// input 400 naming the field and the reason, not found 404, conflict 409, a version that does not load 422, not ready
/// 503, oversized bodies 413, anything unexpected 500 with a trace id and nothing internal (no stack trace, no exception
/// text). Core's messages name the registry and data folders for the CLI's user; here they say "the registry" instead.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ServingPaths paths, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    private const string Invalid = "The request is invalid";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails details = exception switch
        {
            RequestValidationException e => new HttpValidationProblemDetails(e.Errors) { Status = 400, Title = Invalid },
            DataValidationException e => new HttpValidationProblemDetails(e.Report.Listed
                .GroupBy(p => (p.Column ?? p.File)).ToDictionary(g => g.Key, g => g.Select(p => p.Reason).Distinct().ToArray()))
            { Status = 400, Title = Invalid },
            InvalidInputException e => new ProblemDetails { Status = 400, Title = Invalid, Detail = Scrub(e.Message) },
            NotFoundException e => new ProblemDetails { Status = 404, Title = $"Unknown {e.Subject}", Detail = Scrub(e.Message) },
            // The load error itself can name files inside the version: the version and the outcome are enough.
            ModelLoadException e => new ProblemDetails
            {
                Status = 422, Title = "The version cannot be served", Detail = $"model {e.Version} failed to load; the champion is unchanged",
            },
            // The registry's own file is damaged: the service cannot do it now, and the caller did nothing wrong.
            RegistryDamagedException e => new ProblemDetails { Status = 503, Title = "The registry is damaged", Detail = Scrub(e.Message) },
            ConflictException e => new ProblemDetails { Status = 409, Title = "Not possible in the registry's current state", Detail = Scrub(e.Message) },
            NotReadyException e => new ProblemDetails { Status = 503, Title = "Not ready", Detail = Scrub(e.Message) },
            BadHttpRequestException { StatusCode: 413 } => new ProblemDetails { Status = 413, Title = "The request body is too large" },
            BadHttpRequestException e => BadBody(e),
            JsonException e => BadJson(e),
            _ => new ProblemDetails { Status = 500, Title = "Something went wrong on our side; the error is logged with this request's trace id" },
        };
        if (details.Status == 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Route}", context.Request.Method, context.GetEndpoint()?.DisplayName);
        }
        context.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = null });
    }

    private string Scrub(string message) => Scrub(message, paths);

    /// <summary>A message without the service's own paths (the workspace's pages show the same words as the answers).</summary>
    internal static string Scrub(string message, ServingPaths paths)
    {
        message = message.Replace(paths.Registry, "the registry", StringComparison.Ordinal);
        foreach (var root in paths.DataRoots)
        {
            message = message.Replace(root, "the data folder", StringComparison.Ordinal);
        }
        return message;
    }

    private static ProblemDetails BadBody(BadHttpRequestException e) =>
        e.InnerException is JsonException json ? BadJson(json) : FrameworkProblem.Of(e);

    private static HttpValidationProblemDetails BadJson(JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) ? "body" : e.Path.TrimStart('$').TrimStart('.');
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field.Length == 0 ? "body" : field] = [e.Path is null ? "the body is not valid JSON"
                : e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "not a field of this request (check the spelling)"
                : "a value of the wrong type, or malformed JSON, at this field"],
        })
        { Status = 400, Title = "The request body could not be read" };
    }
}
