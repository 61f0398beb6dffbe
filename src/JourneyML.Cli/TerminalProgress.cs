using JourneyML.Core.Monitoring;

namespace JourneyML.Cli;

/// <summary>
/// A run that reports its overall fraction (training, retraining) as one step of the process's progress reporter: a bar
/// on a terminal, log lines otherwise; the run's own phases (<c>PhaseTimings</c>) show beneath it with their names.
/// </summary>
internal static class TerminalProgress
{
    public static T Run<T>(string title, Func<IProgress<(string Step, double Fraction)>?, T> work)
    {
        using var step = ProgressReporter.Current.Start(title);
        // Reported synchronously (not through Progress<T>, which posts to the thread pool): the fraction is one field.
        return work(new Fraction(step));
    }

    private sealed class Fraction(ProgressStep step) : IProgress<(string Step, double Fraction)>
    {
        public void Report((string Step, double Fraction) value) => step.SetFraction(value.Fraction, steady: false);
    }
}
