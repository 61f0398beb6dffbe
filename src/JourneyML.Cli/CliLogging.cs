using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;

namespace JourneyML.Cli;

/// <summary>Structured logs (Serilog) to standard error, so standard output stays the command's result.</summary>
internal static class CliLogging
{
    public static ILoggerFactory CreateFactory(bool verbose)
    {
        var serilog = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? Serilog.Events.LogEventLevel.Debug : Serilog.Events.LogEventLevel.Information)
            .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        return new SerilogLoggerFactory(serilog, dispose: true);
    }
}
