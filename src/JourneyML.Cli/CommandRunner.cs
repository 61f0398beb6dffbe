using JourneyML.Core.Data;
using JourneyML.Core.Errors;
using JourneyML.Core.Prediction;

namespace JourneyML.Cli;

/// <summary>
/// Runs a command body and turns the known kinds of failure into a clear message and a named exit code: the one place
/// where an exception becomes an exit code. The message is Core's; the kind, never the text, picks the code.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled; nothing half-written was left behind.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            await Console.Error.WriteLineAsync(failure.Message);
            return failure.ExitCode;
        }
    }

    public static Task<int> Run(Func<int> body) => RunAsync(() => Task.FromResult(body()));

    /// <summary>The exit code and message of a known failure; null for anything else (a bug: it escapes with its stack trace).</summary>
    internal static (int ExitCode, string Message)? Describe(Exception exception) => exception switch
    {
        // A file problem met while partitions are read in parallel (a stray quote, an undecodable byte) arrives wrapped.
        AggregateException e => e.Flatten().InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null),
        DataValidationException e => (ExitCodes.InvalidData, e.Message),
        DataFileException e => (ExitCodes.InvalidData, $"Invalid input: {e.Message}"),
        // The data's content, not an option, is what no model can learn from.
        ConstantFeaturesException e => (ExitCodes.InvalidData, $"Invalid input: {e.Message}"),
        InvalidInputException e => (ExitCodes.InvalidArguments, $"Invalid arguments: {e.Message}"),
        NotFoundException e => (ExitCodes.InvalidArguments, $"Invalid arguments: {e.Message}"),
        // Expected situations (no champion yet, nothing to roll back to, a version that does not load): the message, no stack trace.
        ConflictException or NotReadyException => (ExitCodes.Failure, $"Cannot do that: {exception.Message}"),
        // Not yet typed: System.CommandLine's and the sample generator's and benchmarks' argument checks, Core's
        // remaining InvalidOperationExceptions (too few labels to train). Same codes as before the error model.
        ArgumentException e => (ExitCodes.InvalidArguments, $"Invalid arguments: {e.Message}"),
        InvalidOperationException e => (ExitCodes.Failure, $"Cannot do that: {e.Message}"),
        // The file system refused (disk full, read-only registry, a file where a folder should be): its own words name the path.
        IOException or UnauthorizedAccessException => (ExitCodes.StorageFailure,
            $"Cannot read or write a file: {exception.Message} (is the disk full, or the folder read-only?); nothing half-written was left behind"),
        _ => null,
    };
}
