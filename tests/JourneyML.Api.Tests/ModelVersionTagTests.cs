using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.TestHost;

namespace JourneyML.Api.Tests;

public sealed class ModelVersionTagTests
{
    private sealed record Answer(string ModelVersion) : IModelVersioned;

    [Fact]
    public async Task The_request_log_names_the_version_the_answer_names_or_else_the_one_the_group_answers_from()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        // What the request log would read, handed back in a header (set before the response starts, after the filter ran).
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["x-tag"] = context.Items.TryGetValue(RequestLogging.ModelVersionItem, out var v) ? v as string : "-";
                return Task.CompletedTask;
            });
            return next(context);
        });
        var group = app.MapGroup("/").TagModelVersion(_ => "serving");
        group.MapGet("/named", () => TypedResults.Ok(new Answer("named")));
        group.MapGet("/nested", Results<Ok<Answer>, NotFound> () => TypedResults.Ok(new Answer("nested")));
        group.MapGet("/async", async () => { await Task.Yield(); return TypedResults.Ok(new Answer("async")); });
        group.MapGet("/csv", () => TypedResults.Content("a,b", "text/csv"));
        app.MapGet("/untagged", () => TypedResults.Ok(new Answer("other")));
        await app.StartAsync();
        using var client = app.GetTestClient();

        async Task<string?> Tag(string path) => (await client.GetAsync(path)).Headers.GetValues("x-tag").Single();
        Assert.Equal("named", await Tag("/named"));
        Assert.Equal("nested", await Tag("/nested"));
        Assert.Equal("async", await Tag("/async"));
        Assert.Equal("serving", await Tag("/csv"));
        Assert.Equal("-", await Tag("/untagged"));
    }
}
