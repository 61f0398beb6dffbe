using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace JourneyML.Core.Prediction;

/// <summary>One measured phase of a run: wall-clock seconds and the process's CPU seconds over the same span.</summary>
/// <param name="Phase">Its name; " / " separates a phase from the one it is part of ("churn / candidate sweep").</param>
/// <param name="Start">Seconds from the start of the run: phases are listed in the order they began.</param>
public sealed record PhaseTime(string Phase, double Start, double Seconds, double CpuSeconds)
{
    /// <summary>How deep the phase is nested: 0 for a top-level phase.</summary>
    public int Depth => Phase.Split(PhaseTimings.Separator).Length - 1;
}

/// <summary>
/// Where a training run's time goes, phase by phase, for the log and <c>journeyml-tools bench train</c>. CPU time is the
/// whole process's (every thread, the garbage collector's too) over the phase's span: on a shared machine it moves far
/// less with the other tenants' load than wall-clock time does, so two runs are compared on it and on each phase's share.
/// Thread-safe; nesting is by name (<see cref="Scope"/>), a parent's time includes its children's.
/// </summary>
public sealed class PhaseTimings
{
    public const string Separator = " / ";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<PhaseTime> _phases = [];
    private readonly string _prefix;
    private readonly PhaseTimings? _root;

    public PhaseTimings()
    {
        _prefix = "";
    }

    private PhaseTimings(PhaseTimings root, string prefix)
    {
        _root = root;
        _prefix = prefix;
    }

    /// <summary>The same timings, with every phase measured through the result named "<paramref name="parent"/> / ...".</summary>
    public PhaseTimings Scope(string parent) => new(_root ?? this, _prefix + parent + Separator);

    /// <summary>Every phase measured so far, in the order they began.</summary>
    public IReadOnlyList<PhaseTime> Phases
    {
        get
        {
            var root = _root ?? this;
            lock (root._phases)
            {
                return [.. root._phases.OrderBy(p => p.Start)];
            }
        }
    }

    /// <summary>Times <paramref name="work"/> as the phase <paramref name="name"/>.</summary>
    public T Measure<T>(string name, Func<T> work)
    {
        using (Measure(name))
        {
            return work();
        }
    }

    public void Measure(string name, Action work)
    {
        using (Measure(name))
        {
            work();
        }
    }

    /// <summary>
    /// Records a phase measured elsewhere as a span of <paramref name="seconds"/> of work that ran interleaved with other
    /// work (a candidate's fold fits in the sweep's pool): no CPU time of its own (NaN, shown as "-"), and no share.
    /// </summary>
    public void Record(string name, double seconds) => Add(new PhaseTime(_prefix + name, Now, seconds, double.NaN));

    /// <summary>Starts the phase <paramref name="name"/>; disposing the result ends it (also when the work throws).</summary>
    public IDisposable Measure(string name) => new Running(this, _prefix + name);

    private void Add(PhaseTime phase)
    {
        var root = _root ?? this;
        lock (root._phases)
        {
            root._phases.Add(phase);
        }
    }

    private double Now => (_root ?? this)._clock.Elapsed.TotalSeconds;

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>
    /// A plain-text table: each phase's wall and CPU seconds and its share of the run's total CPU (the top-level phases'
    /// sum), nested phases indented under their parent.
    /// </summary>
    public string Table()
    {
        var phases = Phases;
        double total = phases.Where(p => p.Depth == 0).Sum(p => p.CpuSeconds);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"{"phase",-52} {"wall s",8} {"cpu s",8} {"cpu %",6}");
        foreach (var p in phases)
        {
            string name = new string(' ', 2 * p.Depth) + p.Phase.Split(Separator)[^1];
            string cpu = double.IsNaN(p.CpuSeconds) ? "-" : p.CpuSeconds.ToString("F2", inv);
            string share = double.IsNaN(p.CpuSeconds) || total <= 0 ? "-" : (100 * p.CpuSeconds / total).ToString("F1", inv);
            text.AppendLine(inv, $"{name,-52} {p.Seconds,8:F2} {cpu,8} {share,6}");
        }
        text.Append(inv, $"{"total (top-level phases)",-52} {phases.Where(p => p.Depth == 0).Sum(p => p.Seconds),8:F2} {total,8:F2} {100.0,6:F1}");
        return text.ToString();
    }

    private sealed class Running(PhaseTimings owner, string name) : IDisposable
    {
        private readonly double _start = owner.Now;
        private readonly double _cpu = Cpu();
        // Every measured phase is what a progress display names while it runs (nested ones under their parent).
        private readonly Monitoring.ProgressStep _shown = Monitoring.ProgressReporter.Current.Start(name.Split(Separator)[^1]);
        private bool _done;

        public void Dispose()
        {
            if (_done)
            {
                return;
            }
            _done = true;
            _shown.Dispose();
            owner.Add(new PhaseTime(name, _start, owner.Now - _start, Cpu() - _cpu));
        }
    }
}
