using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using JourneyML.Cli;
using JourneyML.Core.Features;
using JourneyML.Core.Pipelines;
using JourneyML.Sql;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench features-engines</c>: the C# builder and the DuckDB engine on the same Parquet export, each
/// run in a fresh child process so its time and peak memory (VmHWM: managed heap and DuckDB's native memory alike) are
/// its own. About 100 events per customer: 140,000 customers are 14 million events, 1,400,000 are 140 million.
/// </summary>
internal sealed class BenchFeatureEnginesCommand : Command
{
    private const string ChildMarker = "--child-engine";

    private static readonly Option<int> s_customers = new("--customers", "-n")
    {
        Description = "Customers in the generated data (about 100 events each: 140000 for 14 million events, 1400000 for 140 million).",
        DefaultValueFactory = _ => 20_000,
    };
    private static readonly Option<DirectoryInfo?> s_data = new("--data", "-d")
    {
        Description = "Parquet export to measure on; generated (seed 1) when it does not exist. Default: out/bench/data-<customers>.",
    };
    private static readonly Option<int> s_runs = new("--runs")
    {
        Description = "Runs per engine, each in its own process (at least 1); the median time and the largest peak are reported.",
        DefaultValueFactory = _ => 1,
    };
    private static readonly Option<string?> s_memoryLimit = new("--memory-limit")
    {
        Description = "DuckDB's memory ceiling (for example 2GB): shows it spilling to disk past memory. Default: DuckDB's own (80% of memory).",
    };
    private static readonly Option<FileInfo?> s_results = new("--results")
    {
        Description = "Markdown results file to append the figures to (for example tests/JourneyML.Benchmarks/RESULTS.md).",
    };
    private static readonly Option<string?> s_child = new(ChildMarker) { Hidden = true };

    public BenchFeatureEnginesCommand() : base("features-engines", "Time the C# and DuckDB feature engines on the same Parquet events, each in its own process; report time, events/s and peak memory.")
    {
        Options.Add(s_customers);
        Options.Add(s_data);
        Options.Add(s_runs);
        Options.Add(s_memoryLimit);
        Options.Add(s_results);
        Options.Add(s_child);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            var data = await BenchCommand.EnsureData(customers, cancellationToken, parse.GetValue(s_data)?.FullName);
            if (parse.GetValue(s_child) is { } engine)
            {
                return RunChild(data, engine, parse.GetValue(s_memoryLimit), cancellationToken);
            }
            int runs = parse.GetValue(s_runs);
            if (runs < 1)
            {
                throw new ArgumentException("--runs must be at least 1");
            }
            Console.Error.WriteLine($"load before: {BenchCommand.LoadAverage()}");
            var measured = new Dictionary<string, (double Seconds, double PeakMb, long Events, int Rows)>();
            foreach (var name in new[] { "csharp", "duckdb" })
            {
                var runsOf = new List<(double Seconds, double PeakMb, long Events, int Rows)>();
                for (int run = 0; run < runs; run++)
                {
                    runsOf.Add(await RunInChild(data, customers, name, parse.GetValue(s_memoryLimit), cancellationToken));
                    Console.Error.WriteLine($"{name} run {run + 1}: {runsOf[^1].Seconds:F2} s, peak {runsOf[^1].PeakMb:N0} MB");
                }
                var sorted = runsOf.OrderBy(r => r.Seconds).ToList();
                measured[name] = (sorted[sorted.Count / 2].Seconds, runsOf.Max(r => r.PeakMb), runsOf[0].Events, runsOf[0].Rows);
            }
            var load = BenchCommand.LoadAverage();
            foreach (var (name, m) in measured)
            {
                var row = string.Format(CultureInfo.InvariantCulture,
                    "| {0:yyyy-MM-dd} | features --engine {1} (open + validate + build, own process) | {2:N0} customers, {3:N0} Parquet events | {4:F2} s (median of {5}) | {6:N0} events/s | {7:N0} MB | {8}; load {9} |",
                    DateTime.UtcNow, name, m.Rows, m.Events, m.Seconds, runs, m.Events / m.Seconds, m.PeakMb, BenchCommand.Machine(), load);
                await BenchCommand.Record(parse.GetValue(s_results), row, cancellationToken);
            }
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "duckdb / csharp: time {0:F2}x, peak memory {1:F2}x",
                measured["duckdb"].Seconds / measured["csharp"].Seconds, measured["duckdb"].PeakMb / measured["csharp"].PeakMb));
            return ExitCodes.Success;
        }));
    }

    /// <summary>One engine's run in a fresh process of this tool; it prints one line: seconds, peak MB, events, rows.</summary>
    private static async Task<(double Seconds, double PeakMb, long Events, int Rows)> RunInChild(string data, int customers, string engine, string? memoryLimit,
        CancellationToken cancellationToken)
    {
        List<string> arguments = ["bench", "features-engines", "--customers", customers.ToString(CultureInfo.InvariantCulture), "--data", data, ChildMarker, engine];
        if (memoryLimit is not null)
        {
            arguments.AddRange(["--memory-limit", memoryLimit]);
        }
        var start = BenchCommand.SelfStartInfo(arguments);
        start.RedirectStandardOutput = true;
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync(cancellationToken);
        await child.WaitForExitAsync(cancellationToken);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the {engine} engine's run failed (exit code {child.ExitCode}): {output.Trim()}");
        }
        var fields = output.Trim().Split('\n')[^1].Split(' ');
        var inv = CultureInfo.InvariantCulture;
        return (double.Parse(fields[0], inv), double.Parse(fields[1], inv), long.Parse(fields[2], inv), int.Parse(fields[3], inv));
    }

    private static int RunChild(string data, string engine, string? memoryLimit, CancellationToken cancellationToken)
    {
        IFeatureEngine chosen = engine == "duckdb" ? new DuckDbFeatureEngine { MemoryLimit = memoryLimit } : CSharpFeatureEngine.Instance;
        var watch = Stopwatch.StartNew();
        var result = FeatureRun.Run(new FeatureRunOptions { DataDirectory = data, Engine = chosen }, NullLogger.Instance, cancellationToken: cancellationToken);
        watch.Stop();
        long events = result.Summary.EventsBeforeAsOf + result.Summary.EventsOnOrAfterAsOf;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds:F3} {BenchCommand.PeakMb():F1} {events} {result.Summary.Rows}"));
        return ExitCodes.Success;
    }
}
