using System.Net;
using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace JourneyML.Api.Reference;

/// <summary>
/// The API reference page (<c>/reference</c>): every operation with its method, route, summary, description, whether
/// it needs the API key, its parameters (where, type, required, meaning), its body and its answers, rendered from the
/// OpenAPI document the service serves (<c>/openapi/v1.json</c>), so the two cannot disagree. Self-contained HTML:
/// opens offline.
/// </summary>
public static class ReferencePage
{
    public static IEndpointRouteBuilder MapReferencePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reference", async ([FromKeyedServices("v1")] IOpenApiDocumentProvider documents, CancellationToken cancellationToken) =>
                TypedResults.Content(Render(await documents.GetOpenApiDocumentAsync(cancellationToken)), "text/html; charset=utf-8"))
            .WithName("Reference").WithTags("Reference").WithSummary("This API reference as a web page").ExcludeFromDescription();
        return app;
    }

    public static string Render(OpenApiDocument document)
    {
        var operations = (document.Paths ?? new OpenApiPaths())
            .SelectMany(p => (p.Value.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>()).Select(o => (Route: p.Key, Method: o.Key.Method, Operation: o.Value)))
            .OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)
            .GroupBy(o => o.Operation.Tags?.FirstOrDefault()?.Name ?? "Other");
        var sb = new StringBuilder();
        sb.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>JourneyML API reference</title>
            <style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
            h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}.e{margin:.8em 0;padding:.6em .8em;border:1px solid #e3e3e3;border-radius:6px}
            .m{display:inline-block;min-width:4.2em;font-weight:600;font-family:monospace}.GET{color:#0a6}.POST{color:#c60}.PUT{color:#06c}
            code{background:#f4f4f4;padding:0 .3em;border-radius:3px}.d{color:#555;margin:.3em 0 0 4.6em}.key{color:#a40;font-size:.9em}
            table{border-collapse:collapse;margin:.4em 0 0 4.6em;font-size:.92em}td,th{border:1px solid #e3e3e3;padding:.15em .5em;text-align:left;vertical-align:top}</style></head><body>
            <h1>JourneyML API</h1>
            <p>Segments, lifecycle stages, churn risk and lead scores from the champion model, ranked lists and journey maps from the latest
            scoring snapshot, and retraining jobs. JSON (camelCase) unless stated; errors are <code>application/problem+json</code> naming the
            field and the reason. Every answer names the model version that produced it. The OpenAPI document: <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
            <p>Calls that change state (promote, rollback, retrain, webhooks) need the key in the <code>X-Api-Key</code> header and are off when
            no key is configured; reads need it only when <code>Security:ProtectReads</code> is set.</p>
            """);
        foreach (var group in operations)
        {
            sb.Append("<h2>").Append(Html(group.Key)).Append("</h2>\n");
            foreach (var (route, method, operation) in group)
            {
                Operation(sb, route, method, operation);
            }
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void Operation(StringBuilder sb, string route, string method, OpenApiOperation operation)
    {
        sb.Append("<div class=\"e\"><span class=\"m ").Append(method).Append("\">").Append(method).Append("</span> <code>")
            .Append(Html(route)).Append("</code> ").Append(Html(operation.Summary ?? ""));
        if (operation.Security is { Count: > 0 } security && security.Any(r => r.Count > 0))
        {
            sb.Append(" <span class=\"key\">").Append(security.Any(r => r.Count == 0) ? "X-Api-Key when reads are protected" : "needs X-Api-Key").Append("</span>");
        }
        if (!string.IsNullOrEmpty(operation.Description))
        {
            sb.Append("<div class=\"d\">").Append(Html(operation.Description)).Append("</div>");
        }
        if (operation.Parameters is { Count: > 0 } parameters)
        {
            sb.Append("<table><tr><th>parameter</th><th>in</th><th>type</th><th></th></tr>");
            foreach (var p in parameters)
            {
                sb.Append("<tr><td><code>").Append(Html(p.Name ?? "")).Append("</code></td><td>").Append(p.In?.ToString().ToLowerInvariant())
                    .Append("</td><td>").Append(Html(TypeOf(p.Schema))).Append("</td><td>").Append(p.Required ? "required" : "optional")
                    .Append(string.IsNullOrEmpty(p.Description) ? "" : "; " + Html(p.Description)).Append("</td></tr>");
            }
            sb.Append("</table>");
        }
        if (operation.RequestBody?.Content is { Count: > 0 } body)
        {
            sb.Append("<div class=\"d\">body: ").Append(string.Join(", ", body.Select(c => $"<code>{Html(c.Key)}</code> {Html(TypeOf(c.Value.Schema))}"))).Append("</div>");
        }
        if (operation.Responses is { Count: > 0 } responses)
        {
            sb.Append("<table><tr><th>answer</th><th>what</th><th>as</th></tr>");
            foreach (var (status, response) in responses.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                sb.Append("<tr><td>").Append(Html(status)).Append("</td><td>").Append(Html(response.Description ?? "")).Append("</td><td>")
                    .Append(string.Join(", ", (response.Content ?? new Dictionary<string, OpenApiMediaType>()).Select(c => $"<code>{Html(c.Key)}</code> {Html(TypeOf(c.Value.Schema))}")))
                    .Append("</td></tr>");
            }
            sb.Append("</table>");
        }
        sb.Append("</div>\n");
    }

    /// <summary>A schema in a few words: its component name, or its type (an array of ...).</summary>
    private static string TypeOf(IOpenApiSchema? schema) => schema switch
    {
        null => "",
        OpenApiSchemaReference reference => reference.Reference.Id ?? "",
        { Type: { } type } when type.HasFlag(JsonSchemaType.Array) => "array of " + TypeOf(schema.Items),
        { Type: { } type } => (type & ~JsonSchemaType.Null).ToString().ToLowerInvariant() + (schema.Format is { } f ? $" ({f})" : ""),
        _ => "",
    };

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
