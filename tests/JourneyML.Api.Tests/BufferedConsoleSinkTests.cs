using System.Text;
using Serilog;
using Serilog.Formatting.Compact;

namespace JourneyML.Api.Tests;

public sealed class BufferedConsoleSinkTests
{
    [Fact]
    public void A_warning_goes_out_at_once_with_the_lines_before_it_in_order_and_closing_writes_the_rest()
    {
        var output = new MemoryStream();
        var sink = new BufferedConsoleSink(new RenderedCompactJsonFormatter(), output);
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger())
        {
            for (int i = 0; i < 100; i++)
            {
                logger.Information("HTTP {Method} responded {Status} ({Index})", "POST", 200, i);
            }
            logger.Warning("the snapshot {Name} is damaged", "s1.parquet");
            var lines = Lines(output);
            Assert.Equal(101, lines.Length);
            Assert.Contains("(0)", lines[0]);
            Assert.Contains("(99)", lines[99]);
            Assert.Contains("damaged", lines[100]);
            logger.Information("after the warning");
        }
        // Disposing the logger disposes the sink: the last line is written, and later events are ignored without an error.
        Assert.Contains("after the warning", Lines(output)[^1]);
        sink.Emit(new Serilog.Events.LogEvent(DateTimeOffset.UtcNow, Serilog.Events.LogEventLevel.Error, null,
            new Serilog.Parsing.MessageTemplateParser().Parse("late"), []));
        Assert.Equal(102, Lines(output).Length);
    }

    private static string[] Lines(MemoryStream output) =>
        Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
