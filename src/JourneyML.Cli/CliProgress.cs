using System.Globalization;
using System.Text;
using JourneyML.Core.Monitoring;

namespace JourneyML.Cli;

/// <summary>
/// Installs the process's progress reporter on standard error: a bar when standard error is a terminal, a log line every
/// few seconds when it is redirected (a cron log, a CI job). JOURNEYML_PROGRESS=off|bar|log overrides the choice and
/// JOURNEYML_PROGRESS_SECONDS the log interval (default 5). Standard output is never written: it stays the command's result.
/// </summary>
internal static class CliProgress
{
    public const string DisplayVariable = "JOURNEYML_PROGRESS";
    public const string SecondsVariable = "JOURNEYML_PROGRESS_SECONDS";

    public static IDisposable Install()
    {
        var display = Environment.GetEnvironmentVariable(DisplayVariable)?.Trim().ToLowerInvariant() switch
        {
            "off" or "none" or "0" => ProgressDisplay.None,
            "bar" => ProgressDisplay.Bar,
            "log" => ProgressDisplay.Log,
            _ => Console.IsErrorRedirected ? ProgressDisplay.Log : ProgressDisplay.Bar,
        };
        var seconds = double.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 5;
        var error = Console.Error;
        var reporter = new ProgressReporter(error, display, TimeSpan.FromSeconds(seconds));
        if (display == ProgressDisplay.Bar)
        {
            // The log writes to the same terminal: the bar is erased before each of its lines, and redrawn on the next tick.
            Console.SetError(new BarAwareWriter(error, reporter));
        }
        var installed = ProgressReporter.Install(reporter);
        return new Uninstall(() =>
        {
            installed.Dispose();
            Console.SetError(error);
        });
    }

    private sealed class Uninstall(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    private sealed class BarAwareWriter(TextWriter inner, ProgressReporter reporter) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            reporter.ClearBar();
            inner.Write(value);
        }

        public override void Write(string? value)
        {
            reporter.ClearBar();
            inner.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            reporter.ClearBar();
            inner.Write(buffer, index, count);
        }

        public override void WriteLine(string? value)
        {
            reporter.ClearBar();
            inner.WriteLine(value);
        }

        public override void Flush() => inner.Flush();
    }
}
