using System.Runtime.ExceptionServices;

namespace JourneyML.Core.Data;

/// <summary>
/// Reads partitions in parallel and lets a problem in the data surface as itself: a stray quote or an undecodable byte
/// met by one worker is a <see cref="DataFileException"/> for every caller (CLI, API, tests), not an AggregateException.
/// </summary>
internal static class ParallelReads
{
    public static void For(int count, ParallelOptions options, Action<int> body) =>
        Unwrapped(() => Parallel.For(0, count, options, body));

    public static void For<TLocal>(int count, ParallelOptions options, Func<TLocal> init, Func<int, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> done) =>
        Unwrapped(() => Parallel.For(0, count, options, init, body, done));

    private static void Unwrapped(Func<ParallelLoopResult> loop)
    {
        try
        {
            loop();
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.FirstOrDefault(IsAboutTheData) is { } inner)
        {
            ExceptionDispatchInfo.Capture(inner).Throw();
        }
    }

    private static bool IsAboutTheData(Exception e) => e is DataFileException or DataValidationException or JourneyException or OperationCanceledException;
}
