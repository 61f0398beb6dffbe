using JourneyML.Api;
using JourneyML.Api.Health;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog((services, logger) => logger
    .ReadFrom.Configuration(builder.Configuration)
    .WriteTo.Console(new Serilog.Formatting.Compact.RenderedCompactJsonFormatter()));
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddOptions<RegistryOptions>()
    .BindConfiguration(RegistryOptions.Section)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddJourneyHealth();

var app = builder.Build();
app.UseExceptionHandler();
app.UseSerilogRequestLogging();
app.MapOpenApi();
app.MapJourneyHealth();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory in the API tests.</summary>
public partial class Program;
