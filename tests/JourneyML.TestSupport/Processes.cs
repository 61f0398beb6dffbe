using System.Diagnostics;
using System.Text;

namespace JourneyML.TestSupport;

/// <summary>What a process printed and how it ended; <see cref="TimedOut"/>: it was killed at the timeout.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error, bool TimedOut);

/// <summary>Runs another process and keeps what it printed; one that is still running at the timeout is killed.</summary>
public static class Processes
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout,
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
        if (!process.WaitForExit(timeout))
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
/// output), run as a process exactly as a user or a scheduled job runs it.
/// </summary>
public static class JourneyCli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs journeyml from the repository root.</summary>
    public static ProcessResult Run(params string[] args) => RunIn(Repo.Root, Timeout, args);

    /// <summary>Runs journeyml from the repository root, with a longer timeout for a long command.</summary>
    public static ProcessResult Run(TimeSpan timeout, params string[] args) => RunIn(Repo.Root, timeout, args);

    /// <summary>Runs journeyml from a folder (a <see cref="Sandbox"/>, say).</summary>
    public static ProcessResult RunIn(string workingDirectory, params string[] args) => RunIn(workingDirectory, Timeout, args);

    private static ProcessResult RunIn(string workingDirectory, TimeSpan timeout, string[] args)
    {
        var cli = System.IO.Path.Combine(AppContext.BaseDirectory, "journeyml.dll");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} not found: the test project must reference src/JourneyML.Cli");
        }
        var result = Processes.Run("dotnet", [cli, .. args], workingDirectory, timeout);
        return result.TimedOut ? throw new TimeoutException("journeyml " + string.Join(' ', args) + " did not finish") : result;
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
