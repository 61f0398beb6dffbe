using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace JourneyML.Core.Monitoring;

/// <summary>How progress is shown: nowhere, as a bar redrawn on a terminal, or as log lines every few seconds.</summary>
public enum ProgressDisplay
{
    None,
    Bar,
    Log,
}

/// <summary>
/// The one progress reporter of a process. A long step starts a <see cref="ProgressStep"/> and adds to its count from any
/// thread (an interlocked add per batch, never a lock per row); a timer, not the workers, draws what the active steps say:
/// a bar with counts and time left on a terminal, else a log line every <c>interval</c>. Steps nest (training › churn ›
/// candidate sweep); each is shown only once it has run for <see cref="ShowAfter"/>, so quick steps print nothing.
/// Everything goes to the writer given (standard error), never standard output, which stays the command's result.
/// The host installs one (<see cref="Install"/>); without one, every report goes nowhere at the cost of a null check.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    /// <summary>Reports nothing: the default, for the API, tests and library callers.</summary>
    public static readonly ProgressReporter None = new(TextWriter.Null, ProgressDisplay.None, TimeSpan.FromSeconds(5));

    private static ProgressReporter s_current = None;

    private readonly TextWriter _writer;
    private readonly Timer? _timer;
    private readonly TimeSpan _interval;
    private readonly List<ProgressStep> _active = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastLine;
    private int _barWidth;

    /// <param name="interval">Log mode: how often a line is written (and a step shorter than this writes none); bar mode redraws every 0.2 s.</param>
    public ProgressReporter(TextWriter writer, ProgressDisplay display, TimeSpan interval)
    {
        _writer = writer;
        Display = display;
        _interval = interval;
        if (display != ProgressDisplay.None)
        {
            var tick = display == ProgressDisplay.Bar ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromMilliseconds(Math.Clamp(interval.TotalMilliseconds / 2, 1, 1000));
            _timer = new Timer(_ => Tick(), null, tick, tick);
        }
    }

    /// <summary>The reporter long steps report to: the one the host installed, else <see cref="None"/>.</summary>
    public static ProgressReporter Current => s_current;

    public ProgressDisplay Display { get; }

    /// <summary>How long a step runs before it is shown: steps that finish sooner stay silent.</summary>
    public TimeSpan ShowAfter => Display == ProgressDisplay.Log ? _interval : TimeSpan.FromSeconds(1);

    /// <summary>Makes <paramref name="reporter"/> the process's reporter until the result is disposed (then the previous one again).</summary>
    public static IDisposable Install(ProgressReporter reporter)
    {
        var previous = s_current;
        s_current = reporter;
        return new Restore(() =>
        {
            s_current = previous;
            reporter.Dispose();
        });
    }

    /// <summary>Starts a step of <paramref name="total"/> <paramref name="unit"/> (null when not known yet); dispose it when done.</summary>
    public ProgressStep Start(string name, long? total = null, string unit = "")
    {
        var step = new ProgressStep(this, name, total, unit, _clock.Elapsed);
        if (Display != ProgressDisplay.None)
        {
            lock (_active)
            {
                _active.Add(step);
            }
        }
        return step;
    }

    internal void Finish(ProgressStep step)
    {
        if (Display == ProgressDisplay.None)
        {
            return;
        }
        lock (_active)
        {
            _active.Remove(step);
            var ran = _clock.Elapsed - step.Started;
            if (Display == ProgressDisplay.Log && ran >= _interval)
            {
                WriteLine($"{step.Name}: done, {Counts(step, ran, finished: true)}");
            }
            else if (Display == ProgressDisplay.Bar && _active.Count == 0)
            {
                ClearBar();
            }
        }
    }

    /// <summary>Erases the bar before someone else writes to the same terminal (the log), so lines never run into it.</summary>
    public void ClearBar()
    {
        lock (_active)
        {
            if (_barWidth > 0)
            {
                _writer.Write("\r" + new string(' ', _barWidth) + "\r");
                _writer.Flush();
                _barWidth = 0;
            }
        }
    }

    private void Tick()
    {
        lock (_active)
        {
            var now = _clock.Elapsed;
            var shown = _active.Where(s => now - s.Started >= ShowAfter).ToList();
            if (shown.Count == 0)
            {
                return;
            }
            var line = string.Join(" › ", shown.Select(s => $"{s.Name}: {Counts(s, now - s.Started, finished: false)}"));
            if (Display == ProgressDisplay.Log)
            {
                if (now - _lastLine >= _interval)
                {
                    WriteLine(line);
                }
                return;
            }
            DrawBar(shown[^1], line);
        }
    }

    private void WriteLine(string text)
    {
        _lastLine = _clock.Elapsed;
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss} PRG] {text}"));
        _writer.Flush();
    }

    private void DrawBar(ProgressStep innermost, string line)
    {
        const int BarCells = 20;
        double? fraction = innermost.Fraction;
        var bar = fraction is { } f ? "[" + new string('#', (int)(f * BarCells)).PadRight(BarCells, '.') + "] " : "";
        var text = bar + line;
        int width = Math.Max(20, WindowWidth() - 1);
        if (text.Length > width)
        {
            text = text[..(width - 1)] + "…";
        }
        _writer.Write("\r" + text.PadRight(Math.Max(_barWidth, text.Length)));
        _writer.Flush();
        _barWidth = Math.Max(_barWidth, text.Length);
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    /// <summary>"1,234,567 of 14,000,000 events (9%), 12 s, about 2 min left": what is known of the step, in words.</summary>
    internal static string Counts(ProgressStep step, TimeSpan ran, bool finished)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        long done = step.Done;
        var total = step.Total;
        if (done > 0 || total is not null)
        {
            sb.Append(done.ToString("N0", inv));
            if (total is { } t && !finished)
            {
                sb.Append(inv, $" of {t:N0}");
            }
            sb.Append(step.Unit.Length > 0 ? " " + step.Unit : "");
            if (step.Fraction is { } f && !finished)
            {
                sb.Append(inv, $" ({f:0%})");
            }
            sb.Append(", ");
        }
        else if (step.Fraction is { } f && !finished)
        {
            sb.Append(inv, $"{f:0%}, ");
        }
        sb.Append(Duration(ran));
        if (!finished && step.Steady && step.Fraction is { } fraction && fraction is > 0.02 and < 1)
        {
            sb.Append(", about ").Append(Duration(ran * ((1 - fraction) / fraction))).Append(" left");
        }
        else if (done > 0 && ran.TotalSeconds >= 1 && step.Unit.Length > 0)
        {
            sb.Append(inv, $" ({done / ran.TotalSeconds:N0} {step.Unit}/s)");
        }
        return sb.ToString();
    }

    private static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 90 => span.TotalSeconds.ToString(span.TotalSeconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s",
        < 600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds:00} s"),
        _ => span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min",
    };

    public void Dispose()
    {
        _timer?.Dispose();
        if (Display == ProgressDisplay.Bar)
        {
            ClearBar();
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>
/// One step's progress: a count done (of a total when known), or a fraction. Cheap to report from many threads at once:
/// <see cref="Add"/> is one interlocked add, so call it per batch; only the reporter's timer reads it.
/// </summary>
public sealed class ProgressStep : IDisposable
{
    private readonly ProgressReporter _reporter;
    private long _done;
    private long _total;
    private double _fraction = double.NaN;
    private int _finished;

    internal ProgressStep(ProgressReporter reporter, string name, long? total, string unit, TimeSpan started)
    {
        _reporter = reporter;
        Name = name;
        _total = total ?? -1;
        Unit = unit;
        Started = started;
    }

    public string Name { get; }
    public string Unit { get; }
    internal TimeSpan Started { get; }
    public long Done => Interlocked.Read(ref _done);
    public long? Total => Interlocked.Read(ref _total) is var t && t >= 0 ? t : null;

    /// <summary>How far along: set explicitly (<see cref="SetFraction"/>), else the count over the total when one is known.</summary>
    public double? Fraction
    {
        get
        {
            double f = Volatile.Read(ref _fraction);
            if (!double.IsNaN(f))
            {
                return Math.Clamp(f, 0, 1);
            }
            return Total is { } t && t > 0 ? Math.Clamp((double)Done / t, 0, 1) : null;
        }
    }

    public void Add(long count) => Interlocked.Add(ref _done, count);

    /// <summary>The total, once it is known (after a first pass, say).</summary>
    public void SetTotal(long total) => Interlocked.Exchange(ref _total, total);

    /// <summary>Progress measured otherwise than by the count (partitions done, a generator's share): 0 to 1.</summary>
    /// <param name="steady">Whether the fraction grows steadily with time, so a time left may be told from it; a run's milestones (training's) do not.</param>
    public void SetFraction(double fraction, bool steady = true)
    {
        Steady = steady;
        Volatile.Write(ref _fraction, fraction);
    }

    /// <summary>Whether a time left may be estimated from <see cref="Fraction"/>.</summary>
    public bool Steady { get; private set; } = true;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _reporter.Finish(this);
        }
    }
}
