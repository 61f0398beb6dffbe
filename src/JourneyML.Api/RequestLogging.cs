using Serilog;

namespace JourneyML.Api;

/// <summary>
/// One log line per request: method, route template (never the raw path or query, which can hold customer ids and
/// filters), status, duration and the model version that answered. No request or response body is logged.
/// </summary>
public static class RequestLogging
{
    public const string ModelVersionItem = "journeyml.model-version";

    public static IApplicationBuilder UseJourneyRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {Route} responded {StatusCode} in {Elapsed:0.000} ms (model {ModelVersion})";
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("Route", (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)");
                diagnostics.Set("ModelVersion", context.Items.TryGetValue(ModelVersionItem, out var version) ? version : "-");
            };
            // The default properties include the raw path: leave them out.
            options.IncludeQueryInRequestPath = false;
        });
}
