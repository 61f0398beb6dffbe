namespace JourneyML.Cli;

/// <summary>Progress for long steps: a rewritten line on a terminal, a log line every 10% otherwise.</summary>
internal sealed class ConsoleProgress(string what) : IProgress<double>
{
    private int _lastShown = -1;

    public void Report(double value)
    {
        int percent = (int)Math.Clamp(value * 100, 0, 100);
        if (Console.IsErrorRedirected)
        {
            if (percent / 10 > _lastShown / 10)
            {
                _lastShown = percent;
                Console.Error.WriteLine($"{what}: {percent}%");
            }
            return;
        }
        if (percent != _lastShown)
        {
            _lastShown = percent;
            Console.Error.Write($"\r{what}: {percent,3}%");
        }
    }

    public void Done()
    {
        if (!Console.IsErrorRedirected && _lastShown >= 0)
        {
            Console.Error.WriteLine();
        }
    }
}
