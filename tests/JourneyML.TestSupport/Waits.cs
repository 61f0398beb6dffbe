namespace JourneyML.TestSupport;

/// <summary>
/// Waiting for something to have happened (a process to end, a version to answer, a job to finish) instead of sleeping
/// for a guessed time. The one bound, <see cref="Limit"/>, only stops a test that is truly stuck: it is far above what
/// any step takes on a loaded machine, so it is never what decides whether a working test passes.
/// </summary>
public static class Waits
{
    /// <summary>How long a process may run, or a test wait for an event, before it is called hung and the test fails.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    /// <summary>How often a condition that has no event of its own is looked at again.</summary>
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits for a task that completes when the awaited thing has happened. The tasks <paramref name="alongside"/> are the
    /// ones that make it happen (request loops, a server): when one of them ends first, the wait ends with its exception.
    /// </summary>
    public static async Task ForAsync(Task happened, string what, params Task[] alongside)
    {
        var limit = Task.Delay(Limit);
        var ended = alongside.Length == 0 ? Task.Delay(Timeout.Infinite) : Task.WhenAny(alongside);
        var first = await Task.WhenAny(happened, ended, limit);
        if (first == ended && !happened.IsCompleted)
        {
            await await (Task<Task>)ended; // rethrows what went wrong there
            throw new InvalidOperationException($"stopped waiting for {what}: a task that makes it happen ended first");
        }
        if (first == limit && !happened.IsCompleted)
        {
            throw Stuck(what);
        }
        await happened;
    }

    /// <summary>Waits for a task's result (see <see cref="ForAsync(Task, string, Task[])"/>).</summary>
    public static async Task<T> ForAsync<T>(Task<T> happened, string what, params Task[] alongside)
    {
        await ForAsync((Task)happened, what, alongside);
        return await happened;
    }

    /// <summary>Looks at a state (an HTTP answer, a file) until it is the awaited one; returns that state.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> look, Func<T, bool> reached, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var state = await look();
            if (reached(state))
            {
                return state;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw Stuck($"{what} (last seen: {state})");
            }
            await Task.Delay(s_pollInterval);
        }
    }

    private static TimeoutException Stuck(string what) =>
        new($"gave up waiting for {what} after {Limit.TotalMinutes:0} minutes, the bound for a stuck test (nothing that works takes this long, even on a loaded machine)");
}
