using System.Diagnostics;

namespace JourneyML.Tools.Benchmarks;

/// <summary>Runs a peer's program (npm, node, Rscript) to the end and hands back its exit code and what it printed.</summary>
internal static class PeerProcess
{
    /// <param name="missing">What to install, said when the program is not there.</param>
    /// <param name="environment">Variables to set for the peer (OMP_WAIT_POLICY, as both sides of the other steps run with).</param>
    public static (int Code, string Output) Run(string program, IEnumerable<string> args, string? directory, string missing,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        if (directory is not null)
        {
            start.WorkingDirectory = directory;
        }
        try
        {
            using var process = Process.Start(start)!;
            // Both streams read at once: a peer that fills one pipe while the other is awaited would never end.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' is not installed: {missing}", e);
        }
    }
}
