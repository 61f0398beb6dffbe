using JourneyML.Core.Data;

namespace JourneyML.Cli;

/// <summary>Runs a command body and turns the known failures into a clear message and a named exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (DataValidationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ExitCodes.InvalidData;
        }
        catch (DataFileException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid input: {ex.Message}");
            return ExitCodes.InvalidData;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled; nothing half-written was left behind.");
            return ExitCodes.Cancelled;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid arguments: {ex.Message}");
            return ExitCodes.InvalidArguments;
        }
        catch (InvalidOperationException ex)
        {
            // Expected situations (no champion yet, nothing to roll back to, too few labels): the message, no stack trace.
            await Console.Error.WriteLineAsync($"Cannot do that: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    public static Task<int> Run(Func<int> body) => RunAsync(() => Task.FromResult(body()));
}
