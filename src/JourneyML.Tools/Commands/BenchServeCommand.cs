using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using JourneyML.Cli;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench serve</c>: the real server (its Release DLL, Kestrel on loopback, request logging on) on a
/// registry, started and waited for until <c>/health/ready</c> says it is warm, then <c>wrk</c> posting one scored
/// customer's feature row to <c>POST /v1/predictions</c>: a warm-up, then the measured run. Prints throughput, p50 and p99
/// with the load average and the wrk settings (wrk runs on the same cores as the server).
/// </summary>
internal sealed partial class BenchServeCommand : Command
{
    private static readonly Option<DirectoryInfo?> s_registry = new("--registry")
    {
        Description = "Registry with a champion and a scoring snapshot (a scored customer's feature row is the request). Default: two versions trained on --customers generated customers (as bench soak makes them).",
    };
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Generated customers for the default registry.", DefaultValueFactory = _ => 500 };
    private static readonly Option<double> s_seconds = new("--seconds") { Description = "Length of the measured run.", DefaultValueFactory = _ => 20 };
    private static readonly Option<double> s_warmUp = new("--warm-up") { Description = "Length of the unmeasured run before it.", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> s_connections = new("--connections", "-c") { Description = "wrk's open connections.", DefaultValueFactory = _ => 8 };
    private static readonly Option<int> s_threads = new("--threads", "-t") { Description = "wrk's threads.", DefaultValueFactory = _ => 2 };
    private static readonly Option<FileInfo?> s_api = new("--api") { Description = "The API's built DLL (default: src/JourneyML.Api/bin/Release/net10.0/JourneyML.Api.dll, built if missing)." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the run-log row to." };

    public BenchServeCommand() : base("serve", "Serve predictions from a registry under wrk on loopback (after /health/ready): requests/s, p50 and p99, with the load.")
    {
        Options.Add(s_registry);
        Options.Add(s_customers);
        Options.Add(s_seconds);
        Options.Add(s_warmUp);
        Options.Add(s_connections);
        Options.Add(s_threads);
        Options.Add(s_api);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            double seconds = parse.GetValue(s_seconds), warmUp = parse.GetValue(s_warmUp);
            int connections = parse.GetValue(s_connections), threads = parse.GetValue(s_threads);
            if (seconds < 1 || warmUp < 0 || connections < 1 || threads < 1 || threads > connections)
            {
                throw new ArgumentException("--seconds must be at least 1, --warm-up at least 0, --connections and --threads at least 1 and --threads at most --connections");
            }
            string? data = null;
            string registry;
            if (parse.GetValue(s_registry) is { } given)
            {
                registry = given.FullName;
            }
            else
            {
                data = await BenchCommand.EnsureData(parse.GetValue(s_customers), cancellationToken);
                registry = BenchSoakCommand.TwoVersions(data, CommonOptions.Repo("out", "bench", $"soak-{parse.GetValue(s_customers)}", "models"), cancellationToken).Root;
            }
            var wrk = Wrk.Find();
            var body = PredictionBody(registry);
            var api = parse.GetValue(s_api)?.FullName ?? await BenchSoakCommand.BuiltApi(cancellationToken);
            var work = Path.Combine(Path.GetTempPath(), $"journeyml-serve-{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            try
            {
                var run = await Measure(api, registry, data, body, wrk, new WrkSettings(threads, connections, warmUp, seconds), work, cancellationToken);
                foreach (var line in run.Lines)
                {
                    Console.Error.WriteLine(line);
                }
                await BenchCommand.Record(parse.GetValue(s_results), run.Row + $" {BenchCommand.Machine()} |", cancellationToken);
                return run.Non2xx == 0 && run.SocketErrors == "none" ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                BenchSoakCommand.TryDelete(work);
            }
        }));
    }

    /// <summary>The request: the feature row of a customer in the registry's latest snapshot, as a caller would post it.</summary>
    internal static string PredictionBody(string registry)
    {
        var snapshots = Snapshot.List(new ModelRegistry(registry).SnapshotsDirectory);
        if (snapshots.Count == 0)
        {
            throw new InvalidInputException($"{registry} has no scoring snapshot: score once ('journeyml score --registry {registry} ...') so the benchmark can post a real customer's feature row");
        }
        var snapshot = Snapshot.Read(snapshots[^1]);
        int row = snapshot.Count / 2;
        var features = snapshot.FeatureValues.Where(f => !float.IsNaN(f.Value[row])).ToDictionary(f => f.Key, f => f.Value[row]);
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["customerId"] = snapshot.CustomerIds[row], ["status"] = "customer", ["features"] = features });
    }

    private static async Task<ServeRun> Measure(string api, string registry, string? data, string body, string wrk, WrkSettings settings, string work, CancellationToken cancellationToken)
    {
        int port = Soak.FreePort();
        List<string> arguments = [api, "--urls", $"http://127.0.0.1:{port}", $"--Registry:Path={registry}"];
        if (data is not null)
        {
            arguments.Add($"--Serving:DataPath={data}");
        }
        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var server = Process.Start(start)!;
        // The request log stays on, as in production: it goes to a file, never to this console.
        var log = Path.Combine(work, "api.log");
        var logging = Task.WhenAll(Soak.Pipe(server.StandardOutput, log), Soak.Pipe(server.StandardError, log + ".err"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            var ready = Stopwatch.StartNew();
            await Soak.WaitReady(client, server, cancellationToken);
            double readySeconds = ready.Elapsed.TotalSeconds;
            using (var check = await client.PostAsync("/v1/predictions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), cancellationToken))
            {
                if (!check.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"a prediction failed ({(int)check.StatusCode}): {await check.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }
            var script = Path.Combine(work, "predictions.lua");
            await File.WriteAllTextAsync(script, Wrk.PostScript(body), cancellationToken);
            var url = $"http://127.0.0.1:{port}/v1/predictions";
            if (settings.WarmUpSeconds > 0)
            {
                await Wrk.Run(wrk, settings with { Seconds = settings.WarmUpSeconds }, script, url, cancellationToken);
            }
            double loadBefore = Load();
            var cpuBefore = CpuTime(server);
            var output = await Wrk.Run(wrk, settings, script, url, cancellationToken);
            var cpu = CpuTime(server) - cpuBefore;
            double loadAfter = Load();
            var result = Wrk.Parse(output);
            // The server's own CPU per prediction: on a shared machine throughput follows the other load, this much less.
            double cpuMicroseconds = result.Requests > 0 ? cpu.TotalMicroseconds / result.Requests : double.NaN;
            double peakMb = PeakMb(server.Id);
            var inv = CultureInfo.InvariantCulture;
            var lines = new List<string>
            {
                string.Format(inv, "server ready (/health/ready 200, warm) {0:F1} s after start", readySeconds),
                string.Format(inv, "POST /v1/predictions, wrk -t{0} -c{1} -d{2:0.#}s after a {3:0.#} s warm-up, on the same cores as the server", settings.Threads, settings.Connections, settings.Seconds, settings.WarmUpSeconds),
                string.Format(inv, "{0:N0} requests/s, p50 {1}, p99 {2}, non-2xx {3}, socket errors {4}; load average {5:F2} before, {6:F2} after; server peak {7:F0} MB",
                    result.RequestsPerSecond, result.P50, result.P99, result.Non2xx, result.SocketErrors, loadBefore, loadAfter, peakMb),
                string.Format(inv, "server CPU {0:F1} us per prediction ({1:N0} requests, {2:F1} s of CPU over {3:0.#} s)", cpuMicroseconds, result.Requests, cpu.TotalSeconds, settings.Seconds),
            };
            var row = string.Format(inv, "| {0:yyyy-MM-dd} | serve: POST /v1/predictions under wrk -t{1} -c{2} -d{3:0.#}s on the same cores (after /health/ready and a {4:0.#} s warm-up; load average {5:F2} before, {6:F2} after) | {7} | p50 {8}, p99 {9} | {10:N0} predictions/s, server CPU {14:F1} us each, non-2xx {11}, socket errors {12} | {13:F0} MB |",
                DateTime.UtcNow, settings.Threads, settings.Connections, settings.Seconds, settings.WarmUpSeconds, loadBefore, loadAfter,
                new ModelRegistry(registry).Champion()?.Version ?? "champion", result.P50, result.P99, result.RequestsPerSecond, result.Non2xx, result.SocketErrors, peakMb, cpuMicroseconds);
            return new ServeRun(result.Non2xx, result.SocketErrors, row, lines);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
            await server.WaitForExitAsync(CancellationToken.None);
            await logging;
        }
    }

    private static TimeSpan CpuTime(Process server)
    {
        server.Refresh();
        return server.TotalProcessorTime;
    }

    private static double Load()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>The server's maximum resident set (Linux VmHWM), read before it is stopped.</summary>
    private static double PeakMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private sealed record ServeRun(long Non2xx, string SocketErrors, string Row, IReadOnlyList<string> Lines);
}

internal sealed record WrkSettings(int Threads, int Connections, double WarmUpSeconds, double Seconds);

internal sealed record WrkResult(double RequestsPerSecond, long Requests, string P50, string P99, long Non2xx, string SocketErrors);

/// <summary>Debian's <c>wrk</c>: found on the PATH, run with a Lua script, its text output read back.</summary>
internal static partial class Wrk
{
    public static string Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(folder, "wrk");
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException("wrk is not installed: apt-get install -y wrk (Debian's package; sudo if not root)");
    }

    /// <summary>A script posting <paramref name="body"/> as JSON on every request.</summary>
    public static string PostScript(string body) =>
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = " + LuaString(body) + "\n";

    private static string LuaString(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    public static async Task<string> Run(string wrk, WrkSettings settings, string script, string url, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(wrk, [$"-t{settings.Threads}", $"-c{settings.Connections}", string.Create(CultureInfo.InvariantCulture, $"-d{Math.Max(1, (int)Math.Round(settings.Seconds))}s"),
            "--latency", "-s", script, url]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed (exit code {process.ExitCode}): {(await error).Trim()}");
        }
        return await output;
    }

    /// <summary>Requests/s, the 50% and 99% latency lines (with wrk's units), non-2xx responses and socket errors.</summary>
    public static WrkResult Parse(string output)
    {
        var rps = RequestsPerSecond().Match(output);
        var p50 = Percentile(output, "50%");
        var p99 = Percentile(output, "99%");
        if (!rps.Success || p50 is null || p99 is null)
        {
            throw new InvalidOperationException("wrk's output has no Requests/sec or latency distribution:\n" + output);
        }
        var requests = RequestCount().Match(output);
        var non2xx = Non2xx().Match(output);
        var socket = SocketErrors().Match(output);
        return new WrkResult(double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            requests.Success ? long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture) : 0, p50, p99,
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socket.Success ? socket.Groups[1].Value.Trim() : "none");
    }

    private static string? Percentile(string output, string label)
    {
        var match = Regex.Match(output, @"^\s*" + Regex.Escape(label) + @"\s+(\S+)\s*$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors:(.*)$", RegexOptions.Multiline)]
    private static partial Regex SocketErrors();
}
