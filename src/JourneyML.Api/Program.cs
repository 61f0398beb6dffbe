using JourneyML.Api;
using JourneyML.Api.Alerts;
using JourneyML.Api.ChurnRisk;
using JourneyML.Api.Customers;
using JourneyML.Api.Errors;
using JourneyML.Api.Health;
using JourneyML.Api.Interventions;
using JourneyML.Api.Jobs;
using JourneyML.Api.Journeys;
using JourneyML.Api.Models;
using JourneyML.Api.Predictions;
using JourneyML.Api.Reference;
using JourneyML.Api.Security;
using JourneyML.Api.Segments;
using JourneyML.Api.Serving;
using JourneyML.Api.Workspace;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, logger) => logger.ConfigureJourneyLogging(builder.Configuration, services));
builder.Services.AddProblemDetails();
builder.Services.AddValidation();
builder.Services.AddJourneyOpenApi();
builder.Services.AddJourneyServing();
builder.Services.AddJourneyHealth();
// Per-client limits on costly reads, and the journey map build queue (RateLimits section).
builder.Services.AddJourneyRateLimits();
builder.Services.AddRequestLimits();
builder.Services.AddWorkspace();

var app = builder.Build();
// The warm-up's entry (it sends requests through everything after it), then routing, as the host would put it first.
app.UseWarmUpEntry();
app.UseRouting();
// Request logging outermost: it logs the status the client got (a 400 as 400), never an exception on its way out.
app.UseJourneyRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseBodySizeLimit();
app.UseRateLimiter();
app.MapOpenApi("/openapi/v1.json"); // one document, at a fixed route: any other name is an ordinary 404
app.MapReferencePage();
app.MapJourneyHealth();
app.MapPredictionEndpoints().RequireReadKey();
app.MapChurnRiskEndpoints().RequireReadKey();
app.MapCustomerEndpoints().RequireReadKey();
app.MapSegmentEndpoints().RequireReadKey();
app.MapInterventionEndpoints().RequireReadKey();
app.MapJourneyMapEndpoints().RequireReadKey();
app.MapAlertEndpoints();
app.MapModelEndpoints();
app.MapJobEndpoints();
app.MapWorkspace(); // the browser workspace at /
app.Run();

/// <summary>Entry point, public for WebApplicationFactory in the API tests.</summary>
public partial class Program;
