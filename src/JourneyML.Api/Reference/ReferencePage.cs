using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;

namespace JourneyML.Api.Reference;

/// <summary>
/// The API reference page (<c>/reference</c>): every endpoint with its method, route, summary, description, parameters
/// and answers, generated from the endpoints themselves, so it cannot drift. Self-contained HTML: opens offline.
/// The machine-readable form is the OpenAPI document at <c>/openapi/v1.json</c>.
/// </summary>
public static class ReferencePage
{
    public static IEndpointRouteBuilder MapReferencePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reference", (EndpointDataSource endpoints) => TypedResults.Content(Render(endpoints), "text/html; charset=utf-8"))
            .WithName("Reference").WithTags("Reference").WithSummary("This API reference as a web page").ExcludeFromDescription();
        app.MapGet("/", () => TypedResults.Redirect("/reference")).ExcludeFromDescription();
        return app;
    }

    public static string Render(EndpointDataSource source)
    {
        var endpoints = source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true || e.RoutePattern.RawText?.StartsWith("/health", StringComparison.Ordinal) == true)
            .Select(e => (Tag: e.Metadata.GetMetadata<ITagsMetadata>()?.Tags.FirstOrDefault() ?? "Health",
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET",
                Route: e.RoutePattern.RawText!,
                Summary: e.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary ?? "",
                Description: e.Metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description ?? "",
                Parameters: e.RoutePattern.Parameters.Select(p => p.Name).ToList()))
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
        var sb = new StringBuilder();
        sb.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>JourneyML API reference</title>
            <style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
            h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}.e{margin:.8em 0;padding:.6em .8em;border:1px solid #e3e3e3;border-radius:6px}
            .m{display:inline-block;min-width:4.2em;font-weight:600;font-family:monospace}.GET{color:#0a6}.POST{color:#c60}.PUT{color:#06c}
            code{background:#f4f4f4;padding:0 .3em;border-radius:3px}.d{color:#555;margin:.3em 0 0 4.6em}</style></head><body>
            <h1>JourneyML API</h1>
            <p>Segments, lifecycle stages, churn risk and lead scores from the champion model, ranked lists and journey maps from the latest
            scoring snapshot, and retraining jobs. JSON (camelCase) unless stated; errors are <code>application/problem+json</code> naming the
            field and the reason. Every answer names the model version that produced it. The OpenAPI document: <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
            <p>Calls that change state (promote, rollback, retrain, webhooks) need the key in the <code>X-Api-Key</code> header and are off when
            no key is configured; reads need it only when <code>Security:ProtectReads</code> is set.</p>
            """);
        foreach (var group in endpoints.GroupBy(e => e.Tag))
        {
            sb.Append("<h2>").Append(WebUtility.HtmlEncode(group.Key)).Append("</h2>\n");
            foreach (var e in group)
            {
                sb.Append("<div class=\"e\"><span class=\"m ").Append(e.Method).Append("\">").Append(e.Method).Append("</span> <code>")
                    .Append(WebUtility.HtmlEncode(e.Route)).Append("</code> ").Append(WebUtility.HtmlEncode(e.Summary));
                if (e.Description.Length > 0)
                {
                    sb.Append("<div class=\"d\">").Append(WebUtility.HtmlEncode(e.Description)).Append("</div>");
                }
                sb.Append("</div>\n");
            }
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
