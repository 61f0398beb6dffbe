using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using JourneyML.Cli;

namespace JourneyML.Tools.Commands;

/// <summary><c>journeyml-tools bench</c>: measured figures for the README's results file. Never part of a test assertion.</summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand() : base("bench", "Measure JourneyML's speed on generated data and record it with the machine.")
    {
        Subcommands.Add(new BenchFeaturesCommand());
        Subcommands.Add(new BenchTrainCommand());
        Subcommands.Add(new BenchScoreCommand());
        Subcommands.Add(new BenchTimeToChurnCommand());
        Subcommands.Add(new BenchJourneyCommand());
        Subcommands.Add(new BenchDfgCommand());
        Subcommands.Add(new BenchPeersCommand());
        Subcommands.Add(new BenchPeerTaskCommand());
        Subcommands.Add(new BenchWorldsCommand());
        Subcommands.Add(new BenchSoakCommand());
        Subcommands.Add(new BenchServeCommand());
        Subcommands.Add(new BenchBadInputCommand());
        Subcommands.Add(new BenchCoverageCommand());
        Subcommands.Add(new BenchSweepCommand());
        Subcommands.Add(new BenchTablesCommand());
        Subcommands.Add(new BenchStagesCommand());
        Subcommands.Add(new BenchEndToEndCommand());
        Subcommands.Add(new BenchFeatureEnginesCommand());
    }

    /// <summary>Generated Parquet data for a size, made once in a child process so the measuring process's peak memory is its own.</summary>
    internal static async Task<string> EnsureData(int customers, CancellationToken cancellationToken, string? directory = null)
    {
        var data = directory ?? CommonOptions.Repo("out", "bench", $"data-{customers}");
        if (!File.Exists(Path.Combine(data, "customers.parquet")))
        {
            Console.Error.WriteLine($"Generating {customers:N0} customers into {data} ...");
            var start = SelfStartInfo(
                ["generate", "--customers", customers.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--format", "parquet", "--out", data]);
            // What the generator prints goes to standard error: standard output is the benchmark's figures.
            start.RedirectStandardOutput = true;
            using var generate = Process.Start(start)!;
            var output = generate.StandardOutput.ReadToEndAsync(cancellationToken);
            await generate.WaitForExitAsync(cancellationToken);
            await Console.Error.WriteAsync(await output);
            if (generate.ExitCode != 0)
            {
                throw new InvalidOperationException($"generating the benchmark data failed (exit code {generate.ExitCode})");
            }
        }
        return data;
    }

    internal static async Task Record(FileInfo? results, string row, CancellationToken cancellationToken)
    {
        Console.WriteLine(row);
        if (results is not null)
        {
            await File.AppendAllTextAsync(results.FullName, row + "\n", cancellationToken);
            Console.Error.WriteLine($"appended to {results.FullName}");
        }
    }

    internal static double PeakMb() => Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;

    /// <summary>Starts this tool again, whether it runs as its own executable or as 'dotnet journeyml-tools.dll'.</summary>
    internal static ProcessStartInfo SelfStartInfo(IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return new ProcessStartInfo(host, [typeof(BenchCommand).Assembly.Location, .. arguments]);
        }
        return new ProcessStartInfo(host, arguments);
    }

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), or "n/a": every measurement on a shared machine says its load.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static string Machine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription.Split('#')[0].Trim()}, .NET {Environment.Version}";
}
