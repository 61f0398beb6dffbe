using JourneyML.Core.Monitoring;

namespace JourneyML.Cli;

/// <summary>A step that reports a fraction (the sample generator's), shown through the process's one progress reporter.</summary>
internal sealed class ConsoleProgress(string what) : IProgress<double>
{
    private readonly ProgressStep _step = ProgressReporter.Current.Start(what);

    public void Report(double value) => _step.SetFraction(value);

    public void Done() => _step.Dispose();
}
