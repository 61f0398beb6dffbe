using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace JourneyML.Docs.Tests;

/// <summary>Paths in the repository, and a way to run another process and keep what it printed.</summary>
internal static class Repo
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "JourneyML.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (JourneyML.sln) not found above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>
    /// A temporary folder that stays the same from run to run for this checkout (so .NET's build cache for generated
    /// programs is reused) and differs between checkouts (so two worktrees on one machine never share it).
    /// </summary>
    public static string StableTempDirectory(string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Root)))[..10];
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"journeyml-{name}-{hash}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The build configuration of this test assembly, so generated programs build the library as the tests did.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif
}

internal sealed record ProcessResult(int ExitCode, string Output, string Error, bool TimedOut);

internal static class Processes
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
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
