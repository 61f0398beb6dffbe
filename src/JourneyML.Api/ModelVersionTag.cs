using JourneyML.Api.Serving;

namespace JourneyML.Api;

/// <summary>A response that names the model version that produced it; the request log's model version is read from it.</summary>
public interface IModelVersioned
{
    string? ModelVersion { get; }
}

/// <summary>
/// Tags every request of an endpoint or group with the model version that answered it, for the request log
/// (<see cref="RequestLogging"/>), set once where the endpoints are mapped instead of by each handler: the version the
/// response names, or, for answers that name none (CSV, HTML, errors), the version the group answers from.
/// </summary>
public static class ModelVersionTag
{
    /// <summary>The champion being served: for predictions, segments and maps.</summary>
    public static string? Serving(HttpContext context) => context.RequestServices.GetRequiredService<ModelHost>().Current?.ModelVersion;

    /// <summary>The model that scored the latest snapshot: for lists, customers, accounts and alerts.</summary>
    public static string? Scored(HttpContext context) => context.RequestServices.GetRequiredService<SnapshotHost>().Current?.Latest.ModelVersion;

    /// <summary>The version a request names in its route, when it is a version at all (anything else is the client's text, kept out of the log): for the registry's endpoints.</summary>
    public static string? Requested(HttpContext context) =>
        context.Request.RouteValues.TryGetValue("version", out var v) && v is string version && Core.Registry.ModelRegistry.IsValidVersion(version) ? version : null;

    public static TBuilder TagModelVersion<TBuilder>(this TBuilder builder, Func<HttpContext, string?> otherwise) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            object? result = null;
            try
            {
                result = await next(invocation);
                return result;
            }
            finally
            {
                var context = invocation.HttpContext;
                if ((Named(result) ?? otherwise(context)) is { } version)
                {
                    context.Items[RequestLogging.ModelVersionItem] = version;
                }
            }
        });

    private static string? Named(object? result) =>
        (result is INestedHttpResult nested ? nested.Result : result) is IValueHttpResult { Value: IModelVersioned answer } ? answer.ModelVersion : null;
}
