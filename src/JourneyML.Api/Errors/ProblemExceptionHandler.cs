using System.Text.Json;
using JourneyML.Core.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace JourneyML.Api.Errors;

/// <summary>
/// Every error as application/problem+json: invalid requests 400 naming the field and the reason, oversized bodies 413,
/// anything unexpected 500 with a trace id and nothing internal (no stack trace, no path, no exception text).
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails details = exception switch
        {
            NotReadyException e => new ProblemDetails { Status = 503, Title = "Not ready", Detail = e.Message },
            RequestValidationException e => new HttpValidationProblemDetails(e.Errors) { Status = 400, Title = "The request is invalid" },
            DataValidationException e => new HttpValidationProblemDetails(e.Report.Listed
                .GroupBy(p => (p.Column ?? p.File)).ToDictionary(g => g.Key, g => g.Select(p => p.Reason).Distinct().ToArray()))
            { Status = 400, Title = "The request is invalid" },
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

    private static ProblemDetails BadBody(BadHttpRequestException e) =>
        e.InnerException is JsonException json ? BadJson(json)
            : new ProblemDetails { Status = e.StatusCode, Title = "The request is invalid", Detail = Clean(e.Message) };

    private static HttpValidationProblemDetails BadJson(JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) ? "body" : e.Path.TrimStart('$').TrimStart('.');
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field.Length == 0 ? "body" : field] = [e.Path is null ? "the body is not valid JSON" : "a value of the wrong type, or malformed JSON, at this field"],
        })
        { Status = 400, Title = "The request body could not be read" };
    }

    // Framework messages name the handler's parameter types; keep the first sentence, which says what was wrong.
    private static string Clean(string message) => message.Split(" at ")[0];
}
