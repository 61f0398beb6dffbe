using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using JourneyML.Api.Serving;

namespace JourneyML.Api.Errors;

/// <summary>Bodies over the configured size get 413 problem+json before anything reads them (Kestrel enforces the same limit on streamed bodies).</summary>
public static class BodySizeLimit
{
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        long limit = context.RequestServices.GetRequiredService<IOptions<ServingOptions>>().Value.MaxRequestBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = 413;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 413, Title = "The request body is too large", Detail = $"at most {limit:N0} bytes" },
            });
            return;
        }
        await next(context);
    });
}
