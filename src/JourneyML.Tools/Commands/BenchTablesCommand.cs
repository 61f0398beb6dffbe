using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JourneyML.Cli;
using JourneyML.Tools.Benchmarks;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench tables</c>: JourneyML's chosen model against scikit-learn's HistGradientBoosting on a folder of
/// public tables (<see cref="TableBench"/>); the tables are described by the folder's tables.json and never committed.
/// </summary>
internal sealed class BenchTablesCommand : Command
{
    private static readonly Option<DirectoryInfo> s_folder = new("--folder")
    {
        Description = "Folder with the tables and a tables.json naming, per table: name, file, label, positive (the label's positive value), " +
            "optionally id (default: rows numbered), delimiter, drop (columns left out) and source. Example: tests/JourneyML.Benchmarks/peers/public-tables.json.",
        Required = true,
    };
    private static readonly Option<int> s_splits = new("--splits") { Description = "Independent random splits per table (seeds 1..N); both sides train on the same rows.", DefaultValueFactory = _ => 3 };
    private static readonly Option<int> s_maxRows = new("--max-rows") { Description = "A seeded random sample of at most this many rows per table (0: every row), for a loaded machine.", DefaultValueFactory = _ => 0 };
    private static readonly Option<string[]> s_tables = new("--table", "-t") { Description = "Only these tables (by name; repeat for several).", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<DirectoryInfo?> s_work = new("--work") { Description = "Working folder for the prepared tables, splits and predictions (default: out/bench/tables)." };
    private static readonly Option<string> s_python = new("--python") { Description = "Python with Debian's python3-sklearn and python3-pandas.", DefaultValueFactory = _ => "/usr/bin/python3" };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the tables to." };

    public BenchTablesCommand() : base("tables", "Compare JourneyML's chosen model with scikit-learn's HistGradientBoosting (native categories) on public tables: ROC AUC, PR AUC and ECE with 95% intervals, the paired difference and the training time ratio, on the same random splits.")
    {
        Options.Add(s_folder);
        Options.Add(s_splits);
        Options.Add(s_maxRows);
        Options.Add(s_tables);
        Options.Add(s_work);
        Options.Add(s_python);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var folder = parse.GetValue(s_folder)!;
            if (!File.Exists(Path.Combine(folder.FullName, "tables.json")))
            {
                throw new ArgumentException($"--folder {folder.FullName}: no tables.json there (see tests/JourneyML.Benchmarks/peers/public-tables.json)");
            }
            int splits = parse.GetValue(s_splits);
            if (splits < 1 || parse.GetValue(s_maxRows) < 0)
            {
                throw new ArgumentException("--splits must be at least 1 and --max-rows at least 0");
            }
            var work = parse.GetValue(s_work)?.FullName ?? CommonOptions.Repo("out", "bench", "tables");
            Directory.CreateDirectory(work);
            var python = parse.GetValue(s_python)!;
            var script = CommonOptions.Repo("tests", "JourneyML.Benchmarks", "peers", "tables.py");
            string[] prepare = ["prepare", "--folder", folder.FullName, "--out", Path.Combine(work, "prepared"),
                "--max-rows", parse.GetValue(s_maxRows).ToString(CultureInfo.InvariantCulture)];
            if (parse.GetValue(s_tables) is { Length: > 0 } only)
            {
                prepare = [.. prepare, "--only", .. only];
            }
            var prepared = JsonSerializer.Deserialize<List<PreparedTable>>(await RunPython(python, script, prepare, cancellationToken),
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) ?? [];
            var results = new List<TableSplitResult>();
            foreach (var table in prepared)
            {
                for (int split = 1; split <= splits; split++)
                {
                    Console.Error.WriteLine($"{table.Name}: {table.Rows:N0} rows ({table.Positives:N0} positive), split {split} of {splits} (load {Load()})");
                    var result = await TableBench.RunAsync(table, split, work, async (file, splitFile, output) =>
                    {
                        await RunPython(python, script, ["fit", "--table", file, "--split", splitFile, "--out", output], cancellationToken);
                        return TableBench.PeerFit.Load(output);
                    }, cancellationToken);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  JourneyML ROC AUC {result.JourneyMl.RocAuc.Text()} ECE {result.JourneyMl.Ece.Value:F3} in {result.JourneyMl.Seconds:F1} s; HGB {result.Peer.RocAuc.Text()} ECE {result.Peer.Ece.Value:F3} in {result.Peer.Seconds:F1} s; difference {result.AucDifference.Text()}"));
                    results.Add(result);
                }
            }
            int maxRows = parse.GetValue(s_maxRows);
            string sample = maxRows > 0 ? FormattableString.Invariant($", at most {maxRows:N0} rows per table") : "";
            var header = FormattableString.Invariant($"Public tables, {splits} split(s) each{sample}; {BenchCommand.Machine()}; load {Load()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ") +
                "Sources: " + string.Join("; ", prepared.Select(t => $"{t.Name}: {t.Source}"));
            await BenchCommand.Record(parse.GetValue(s_results), TableBench.Markdown(results, header), cancellationToken);
            return ExitCodes.Success;
        }));
    }

    private static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Runs one step of the peer script; its standard output is the answer, its standard error is shown.</summary>
    private static async Task<string> RunPython(string python, string script, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(python, [script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {arguments[0]} failed (exit code {process.ExitCode}): {(await error).Trim()}");
        }
        return await output;
    }
}
