using System.Text.Json.Nodes;
using JourneyML.Api.Security;
using JourneyML.Api.Serving;
using JourneyML.Core.Journeys;
using JourneyML.Core.Registry;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace JourneyML.Api.Reference;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) beyond what the endpoints declare: the <c>X-Api-Key</c> scheme and
/// which operations need it, every operation's 4xx and 5xx answers as problem+json, the CSV answers of the lists, the
/// schemas of a model version's metadata and of the journey map (answered as stored text), and <c>/health/*</c>.
/// <c>servers</c> is the relative <c>/</c>: a document that named the Host header's value would let a crafted header
/// point a generated client elsewhere.
/// </summary>
public static class OpenApiSetup
{
    public const string SchemeName = "ApiKey";
    private const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddJourneyOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "JourneyML API",
                Version = "v1",
                Description = "Segments, lifecycle stages, churn risk and lead scores from the champion model; ranked lists and journey maps from the latest scoring snapshot; "
                    + "the model registry and retraining jobs. Every error is application/problem+json naming the field and the reason (except what Kestrel refuses "
                    + "while parsing, see the README's 'Bad input').",
            };
            document.Servers = [new OpenApiServer { Url = "/", Description = "This service (relative: the document never repeats the Host header)" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = SecurityOptions.HeaderName,
                    Description = "Security:ApiKey. State-changing calls always need it (and are off, 403, when no key is configured); reads need it only when Security:ProtectReads is set.",
                },
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas["Problem"] = ProblemSchema();
            AddHealth(document);
            document.Tags = new HashSet<OpenApiTag>(document.Tags ?? new HashSet<OpenApiTag>(), new TagNameComparer()) { new() { Name = "Health" } };
            foreach (var tag in document.Tags)
            {
                tag.Description ??= s_tagDescriptions.GetValueOrDefault(tag.Name ?? "");
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var route = "/" + (context.Description.RelativePath ?? "");
            AddSecurity(operation, context.Document!, metadata.OfType<ApiKeyUse>().Cast<ApiKeyUse?>().FirstOrDefault());
            AddProblems(operation, context.Document!, route, context.Description.HttpMethod ?? "GET", metadata);
            if (metadata.OfType<CsvAnswer.Metadata>().Any())
            {
                Ok(operation).Content!["text/csv"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The CLI's export shape: one row per customer (UTF-8; with BOM and CRLF when excel=true)" },
                };
            }
            var name = metadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
            if (name == "Model")
            {
                Ok(operation).Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ModelMetadata), null, cancellationToken) },
                };
            }
            if (name == "JourneyMap")
            {
                Ok(operation).Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(JourneyMap), null, cancellationToken) },
                    ["text/html"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The journey map as a self-contained page (format=html)" } },
                    ["text/markdown"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The journey map as Markdown (format=md)" } },
                };
            }
        });
    });

    private static readonly Dictionary<string, string> s_tagDescriptions = new(StringComparer.Ordinal)
    {
        ["Predictions"] = "Live predictions from the champion: one customer, a batch, what-if",
        ["Churn risk"] = "The latest snapshot's customers ranked by churn risk: the customer-success worklist",
        ["Customers and accounts"] = "One customer's scores and history; an account's buying group",
        ["Segments"] = "The champion's behavioural segments and their members",
        ["Journey maps"] = "Stages, transitions and paths: stored, or built on demand",
        ["Alerts"] = "Risk and stage alerts between snapshots, and the webhooks they are pushed to",
        ["Models"] = "The model registry: versions, promotion, rollback",
        ["Retraining jobs"] = "Background retraining: features, train, gate, score, journey map",
        ["Health"] = "Liveness and readiness for a load balancer or orchestrator",
    };

    private sealed class TagNameComparer : IEqualityComparer<OpenApiTag>
    {
        public bool Equals(OpenApiTag? x, OpenApiTag? y) => x?.Name == y?.Name;
        public int GetHashCode(OpenApiTag obj) => obj.Name?.GetHashCode(StringComparison.Ordinal) ?? 0;
    }

    private static OpenApiResponse Ok(OpenApiOperation operation)
    {
        operation.Responses ??= new OpenApiResponses();
        if (!operation.Responses.TryGetValue("200", out var ok) || ok is not OpenApiResponse response)
        {
            response = new OpenApiResponse { Description = "OK" };
            operation.Responses["200"] = response;
        }
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        return response;
    }

    private static void AddSecurity(OpenApiOperation operation, OpenApiDocument document, ApiKeyUse? use)
    {
        if (use is null)
        {
            return;
        }
        var keyed = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        // A read is open unless Security:ProtectReads is set: either no key, or the key.
        operation.Security = use == ApiKeyUse.Always ? [keyed] : [new OpenApiSecurityRequirement(), keyed];
    }

    /// <summary>The error answers an operation can give, each problem+json.</summary>
    private static void AddProblems(OpenApiOperation operation, OpenApiDocument document, string route, string method, IList<object> metadata)
    {
        var answers = new Dictionary<string, string>();
        bool hasInput = route.Contains('{', StringComparison.Ordinal) || operation.Parameters is { Count: > 0 } || operation.RequestBody is not null;
        if (hasInput)
        {
            answers["400"] = "Invalid input: errors names each field and the reason";
        }
        if (metadata.OfType<ApiKeyUse>().Any())
        {
            answers["401"] = "The API key is missing or wrong (X-Api-Key)";
        }
        if (metadata.Contains(ApiKeyUse.Always))
        {
            answers["403"] = "Switched off: no API key is configured";
        }
        if (route.Contains('{', StringComparison.Ordinal) || route.Contains("journey-map", StringComparison.Ordinal))
        {
            answers["404"] = "Unknown: no such customer, account, segment, model version or job";
        }
        if (operation.RequestBody is not null)
        {
            answers["413"] = "The body (or the batch) is too large";
            answers["415"] = "The body is not JSON (Content-Type: application/json)";
        }
        answers["414"] = "The URL is longer than 8 KB";
        answers["431"] = "The headers are larger than 32 KB";
        answers["500"] = "Something went wrong on the service's side; logged with the trace id";
        if (route.StartsWith("/v1", StringComparison.Ordinal))
        {
            answers["503"] = "Not ready: no champion model or scoring snapshot yet";
        }
        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, description) in answers)
        {
            if (operation.Responses.TryGetValue(status, out var existing) && existing is OpenApiResponse { Content.Count: > 0 } known)
            {
                // Declared by the endpoint (ProducesProblem): keep it, with our shape.
                known.Content = ProblemContent(document);
                continue;
            }
            operation.Responses[status] = new OpenApiResponse { Description = description, Content = ProblemContent(document) };
        }
    }

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiDocument document) =>
        new() { [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("Problem", document) } };

    /// <summary>RFC 9457 problem details as this service writes them; <c>errors</c> (field to reasons) on invalid input.</summary>
    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error (RFC 9457). On invalid input, errors maps each field (as the request names it, e.g. customers[2].features.logins_30d) to its reasons.",
        Required = new HashSet<string> { "status", "title" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What kind of error" },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What is wrong and what to do; never an internal path or the values sent" },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The trace id the service's log has for this request" },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    /// <summary>The health endpoints (health checks are not in the endpoints' API description).</summary>
    private static void AddHealth(OpenApiDocument document)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "status", "checks" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy"), JsonValue.Create("Degraded"), JsonValue.Create("Unhealthy")] },
                ["checks"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["name"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            ["status"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            ["description"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Why: what is served, or what is missing" },
                        },
                    },
                },
            },
        };
        document.Components!.Schemas!["Health"] = schema;
        OpenApiPathItem Path(string id, string summary) => new()
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = id, Summary = summary, Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                    Security = [new OpenApiSecurityRequirement()],
                    Responses = new OpenApiResponses
                    {
                        ["200"] = Health("Healthy or Degraded", document),
                        ["431"] = new OpenApiResponse { Description = "The headers are larger than 32 KB", Content = ProblemContent(document) },
                        ["503"] = Health("Unhealthy: the reason is in checks", document),
                    },
                },
            },
        };
        document.Paths ??= new OpenApiPaths();
        document.Paths["/health/live"] = Path("HealthLive", "Liveness: the process answers");
        document.Paths["/health/ready"] = Path("HealthReady", "Readiness: a champion model is loaded and serving (Degraded while a newer champion failed to load)");
    }

    private static OpenApiResponse Health(string description, OpenApiDocument document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference("Health", document) } },
    };
}
