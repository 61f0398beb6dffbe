using System.Diagnostics;

namespace JourneyML.Cli.Tests;

/// <summary>Runs the journeyml CLI (or journeyml-tools) as a separate process and captures what it prints and its exit code.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static string RepoPath(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JourneyML.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }
        throw new InvalidOperationException("repository root not found");
    }

    public static string TempDirectory() => Directory.CreateTempSubdirectory("journeyml-cli-").FullName;

    public static Result Run(params string[] args) => Run(TimeSpan.FromMinutes(3), args);

    public static Result Run(TimeSpan timeout, params string[] args) => Start("journeyml", timeout, args);

    /// <summary>Runs journeyml-tools: the product's commands plus generate and bench, with train handed the generator's ground truth.</summary>
    public static Result Tools(params string[] args) => Tools(TimeSpan.FromMinutes(3), args);

    public static Result Tools(TimeSpan timeout, params string[] args) => Start("journeyml-tools", timeout, args);

    private static Result Start(string program, TimeSpan timeout, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, program + ".dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPath(),
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(program + " " + string.Join(' ', args) + " did not finish");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
