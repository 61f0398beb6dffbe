using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace JourneyML.Api;

/// <summary>
/// The service's log lines on standard output, written a buffer at a time: Serilog's console sink takes a lock and makes
/// one write call per line, which at thousands of requests a second is a system call and a contended lock on every
/// request. Lines keep their order; they reach the output at least every <see cref="FlushInterval"/>, at once from Warning
/// up (the lines before it with them), when the buffer fills, and when the process exits. Nothing is dropped.
/// </summary>
public sealed class BufferedConsoleSink : ILogEventSink, IDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private bool _disposed;

    public BufferedConsoleSink(ITextFormatter formatter, Stream? output = null)
    {
        _formatter = formatter;
        _output = new StreamWriter(output ?? Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
        AppDomain.CurrentDomain.ProcessExit += OnExit;
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _formatter.Format(logEvent, _output);
            if (logEvent.Level >= LogEventLevel.Warning)
            {
                _output.Flush();
            }
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _output.Flush();
            }
        }
    }

    private void OnExit(object? sender, EventArgs e) => Flush();

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        _timer.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _output.Flush();
            _disposed = true;
        }
    }
}
