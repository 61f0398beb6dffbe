using System.Diagnostics;
using System.Text;

namespace JourneyML.TestSupport;

/// <summary>What a process printed and how it ended. <see cref="TimedOut"/>: it was killed at <see cref="Waits.Limit"/> and has no exit code of its own.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error, bool TimedOut)
{
    /// <summary>This result, or, for a process that was killed at the limit, an exception saying so (never an exit code that looks like the product's).</summary>
    public ProcessResult Finished(string command) =>
        TimedOut ? throw new ProcessKilledException(command, Output, Error) : this;
}

/// <summary>A process still running at <see cref="Waits.Limit"/>, killed: a hung process or a machine far past overloaded, not a product failure's exit code.</summary>
public sealed class ProcessKilledException(string command, string output, string error)
    : TimeoutException($"'{command}' was killed after {Waits.Limit.TotalMinutes:0} minutes, the limit for a hung process; it had not exited, so there is no exit code.\n" +
        $"Last output:\n{Tail(output)}\nLast errors:\n{Tail(error)}")
{
    public string Output { get; } = output;
    public string Error { get; } = error;

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));
}

/// <summary>Runs another process and keeps what it printed; one that is still running at <see cref="Waits.Limit"/> is killed.</summary>
public static class Processes
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Waits.Limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(-1, output.Result, error.Result, TimedOut: true);
        }
        return new ProcessResult(process.ExitCode, output.Result, error.Result, TimedOut: false);
    }
}

/// <summary>
/// The journeyml CLI built beside the tests (a test project that references src/JourneyML.Cli has journeyml.dll in its
/// output), run as a process exactly as a user or a scheduled job runs it. A run killed at the limit throws
/// <see cref="ProcessKilledException"/>.
/// </summary>
public static class JourneyCli
{
    /// <summary>Runs journeyml from the repository root.</summary>
    public static ProcessResult Run(params string[] args) => RunIn(Repo.Root, args);

    /// <summary>The product's CLI.</summary>
    public const string Product = "journeyml";
    /// <summary>The product's commands plus generate and bench, with train handed the generator's ground truth (src/JourneyML.Tools).</summary>
    public const string ToolsProgram = "journeyml-tools";

    /// <summary>Runs journeyml from a folder (a <see cref="Sandbox"/>, say).</summary>
    public static ProcessResult RunIn(string workingDirectory, params string[] args) => RunProgramIn(Product, workingDirectory, args);

    /// <summary>Runs journeyml-tools from the repository root.</summary>
    public static ProcessResult Tools(params string[] args) => RunProgramIn(ToolsProgram, Repo.Root, args);

    /// <summary>Runs journeyml from the repository root with these environment variables set (JOURNEYML_PROGRESS, say).</summary>
    public static ProcessResult RunWith(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgramIn(Product, Repo.Root, environment, args);

    /// <param name="program"><see cref="Product"/> or <see cref="ToolsProgram"/>.</param>
    public static ProcessResult RunProgramIn(string program, string workingDirectory, params string[] args) =>
        RunProgramIn(program, workingDirectory, null, args);

    private static ProcessResult RunProgramIn(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var cli = System.IO.Path.Combine(AppContext.BaseDirectory, program + ".dll");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} not found: the test project must reference the project that builds {program}");
        }
        return Processes.Run("dotnet", [cli, .. args], workingDirectory, environment).Finished(program + " " + string.Join(' ', args));
    }

    /// <summary>A scratch copy of what the README's commands need: the sample data, and a marker that makes the folder the CLI's repository root (so models/ and out/ land here).</summary>
    public static string Sandbox()
    {
        var dir = TempFolder.Create("readme");
        File.WriteAllText(System.IO.Path.Combine(dir, Repo.SolutionFile), "");
        TempFolder.Copy(Samples.Root, System.IO.Path.Combine(dir, "data-samples"));
        return dir;
    }
}
