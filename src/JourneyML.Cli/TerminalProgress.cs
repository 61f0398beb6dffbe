using Spectre.Console;

namespace JourneyML.Cli;

/// <summary>
/// Long steps on a terminal get a progress bar (Spectre.Console); redirected output (a cron log) gets the plain
/// structured log lines only, which every step writes anyway.
/// </summary>
internal static class TerminalProgress
{
    public static T Run<T>(string title, Func<IProgress<(string Step, double Fraction)>?, T> work)
    {
        if (Console.IsErrorRedirected || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return work(null);
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                result = work(new Progress<(string Step, double Fraction)>(p =>
                {
                    task.Description = $"{title}: {p.Step}";
                    task.Value = p.Fraction;
                }));
                task.Value = 1;
            });
        return result;
    }
}
