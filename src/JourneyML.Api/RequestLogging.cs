using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace JourneyML.Api;

/// <summary>
/// One log line per request: method, route template (never the raw path or query, which can hold customer ids and
/// filters), status, duration and the model version that answered. No request or response body is logged, and no
/// line carries the raw path: the hosting scope's <c>RequestPath</c> is dropped from every event, and the framework's
/// own lines that quote the request (hosting's "Request starting ...", routing's candidates, parameter binding's
/// "Failed to bind ... from '...'", Kestrel's bad-request lines) are left out below Warning, whatever the level set.
/// A client's mistake (4xx) is an ordinary answer: logged at Information, without a stack trace; only 5xx are errors.
/// </summary>
public static class RequestLogging
{
    public const string ModelVersionItem = "journeyml.model-version";

    /// <summary>Framework categories whose messages quote the raw request line, path, query, headers or parameter values.</summary>
    private static readonly string[] s_rawRequestCategories =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.Mvc",
        "Microsoft.AspNetCore.StaticFiles",
        "Microsoft.AspNetCore.HttpsPolicy",
        "Microsoft.AspNetCore.HostFiltering",
    ];

    /// <summary>The service's logger: settings from configuration, JSON lines on the console (buffered), the raw request kept out.</summary>
    public static LoggerConfiguration ConfigureJourneyLogging(this LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services) => logger
        .ReadFrom.Configuration(configuration)
        // Sinks, enrichers and filters registered as services join (the API tests read the whole log through one).
        .ReadFrom.Services(services)
        .Enrich.With<WithoutRawPath>()
        .Filter.ByExcluding(QuotesTheRequest)
        // One write per buffer, not per line (the request log is a line per request): BufferedConsoleSink says when lines go out.
        .WriteTo.Sink(new BufferedConsoleSink(new Serilog.Formatting.Compact.RenderedCompactJsonFormatter()));

    private const string RouteItem = "journeyml.route";

    public static IApplicationBuilder UseJourneyRequestLogging(this IApplicationBuilder app) => app
        // The route is taken on the way in: the exception handler clears the endpoint before it answers.
        .Use((context, next) =>
        {
            context.Items[RouteItem] = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            return next(context);
        })
        .UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod:l} {Route:l} responded {StatusCode} in {Elapsed:0.000} ms (model {ModelVersion:l})";
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("Route", context.Items.TryGetValue(RouteItem, out var route) ? route : "(no route)");
                diagnostics.Set("ModelVersion", context.Items.TryGetValue(ModelVersionItem, out var version) ? version : "-");
            };
            options.IncludeQueryInRequestPath = false;
            // Runs outside the exception handler, so it sees the status answered; an exception never reaches it.
            options.GetLevel = (context, _, exception) => exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
        });

    private static bool QuotesTheRequest(LogEvent e) =>
        e.Level < LogEventLevel.Warning
        && e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source) && source is ScalarValue { Value: string category }
        && s_rawRequestCategories.Any(c => category.StartsWith(c, StringComparison.Ordinal));

    /// <summary>Drops the raw path that the hosting scope and the request-logging middleware attach to events.</summary>
    private sealed class WithoutRawPath : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            logEvent.RemovePropertyIfPresent("RequestPath");
            logEvent.RemovePropertyIfPresent("Path");
            logEvent.RemovePropertyIfPresent("QueryString");
        }
    }
}
