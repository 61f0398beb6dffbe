using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using JourneyML.Cli;
using JourneyML.Core.Pipelines;
using JourneyML.Core.Prediction;
using JourneyML.Core.Registry;
using JourneyML.Core.Scoring;
using JourneyML.SampleData;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyML.Tools.Commands;

/// <summary>
/// <c>journeyml-tools bench soak</c>: the real server (its built DLL, Kestrel on loopback) under a steady request rate while
/// champions are promoted (through the API and behind its back, as a CLI on another machine would) and registry files are
/// damaged (empty, non-Parquet and half-copied snapshots, a truncated champion pointer). Reports requests served and failed:
/// the service's promise is that none fails.
/// </summary>
internal sealed class BenchSoakCommand : Command
{
    private static readonly Option<double> s_seconds = new("--seconds") { Description = "How long the load runs.", DefaultValueFactory = _ => 60 };
    private static readonly Option<int> s_rate = new("--rate") { Description = "Target requests per second.", DefaultValueFactory = _ => 2_000 };
    private static readonly Option<int> s_promotions = new("--promotions") { Description = "Promotions spread over the run.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> s_corrupt = new("--corrupt") { Description = "Registry files damaged over the run.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> s_customers = new("--customers", "-n") { Description = "Customers in the generated data the models are trained on.", DefaultValueFactory = _ => 500 };
    private static readonly Option<FileInfo?> s_api = new("--api") { Description = "The API's built DLL (default: src/JourneyML.Api/bin/Release/net10.0/JourneyML.Api.dll, built if missing)." };
    private static readonly Option<FileInfo?> s_results = new("--results") { Description = "Markdown results file to append the figures to." };

    public BenchSoakCommand() : base("soak", "Serve requests at a target rate while promoting champions and damaging registry files; report requests served and failed.")
    {
        Options.Add(s_seconds);
        Options.Add(s_rate);
        Options.Add(s_promotions);
        Options.Add(s_corrupt);
        Options.Add(s_customers);
        Options.Add(s_api);
        Options.Add(s_results);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            int customers = parse.GetValue(s_customers);
            if (parse.GetValue(s_rate) < 1 || parse.GetValue(s_seconds) <= 0 || parse.GetValue(s_promotions) < 0 || parse.GetValue(s_corrupt) < 0)
            {
                throw new ArgumentException("--rate and --seconds must be positive, --promotions and --corrupt at least 0");
            }
            var data = await BenchCommand.EnsureData(customers, cancellationToken);
            var built = TwoVersions(data, CommonOptions.Repo("out", "bench", $"soak-{customers}", "models"), cancellationToken);
            // The run damages files: it works on a copy, so the next run starts from the same good registry.
            var registry = Path.Combine(Path.GetTempPath(), $"journeyml-soak-{Guid.NewGuid():N}", "models");
            Copy(built.Root, registry);
            try
            {
                var api = parse.GetValue(s_api)?.FullName ?? await BuiltApi(cancellationToken);
                var soak = new Soak(registry, data, api, Path.Combine(Path.GetDirectoryName(built.Root)!, "api.log"), parse.GetValue(s_rate), TimeSpan.FromSeconds(parse.GetValue(s_seconds)),
                    parse.GetValue(s_promotions), parse.GetValue(s_corrupt));
                var outcome = await soak.RunAsync(cancellationToken);
                foreach (var line in outcome.Lines)
                {
                    Console.Error.WriteLine(line);
                }
                await BenchCommand.Record(parse.GetValue(s_results), outcome.Row + $" {BenchCommand.Machine()} |", cancellationToken);
                return outcome.Failed == 0 && outcome.ServerAlive ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                TryDelete(Path.GetDirectoryName(registry)!);
            }
        }));
    }

    /// <summary>A registry with two versions (A the champion, B a month older) and one scoring snapshot, made once per size.</summary>
    internal static ModelRegistry TwoVersions(string data, string root, CancellationToken cancellationToken)
    {
        var registry = new ModelRegistry(root);
        if (registry.List().Count >= 2 && registry.Champion() is not null && Snapshot.List(registry.SnapshotsDirectory).Count > 0)
        {
            return registry;
        }
        TryDelete(root);
        Console.Error.WriteLine($"Training two versions and scoring once into {root} ...");
        var asOf = new GeneratorOptions().ReferenceAsOf;
        var now = DateTimeOffset.UtcNow;
        // Each version gets its own clock a minute apart, so the two version ids differ however fast training is.
        foreach (var (trainAsOf, clock) in new[] { (asOf.AddDays(-30), now.AddMinutes(-2)), (asOf, now.AddMinutes(-1)) })
        {
            TrainingRun.Run(new TrainingOptions
            {
                Features = new FeatureRunOptions { DataDirectory = data, AsOf = trainAsOf },
                RegistryPath = root,
                Candidates = [CandidateSpec.Default],
                Force = true,
                Clock = new FixedClock(clock),
            }, NullLogger.Instance, cancellationToken);
        }
        ScoringRun.Run(new ScoringOptions { Features = new FeatureRunOptions { DataDirectory = data }, RegistryPath = root }, NullLogger.Instance);
        return registry;
    }

    /// <summary>The API's Release build, built first if it is not there.</summary>
    internal static async Task<string> BuiltApi(CancellationToken cancellationToken)
    {
        var dll = CommonOptions.Repo("src", "JourneyML.Api", "bin", "Release", "net10.0", "JourneyML.Api.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine("Building the API (Release) ...");
            using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", CommonOptions.Repo("src", "JourneyML.Api"), "-v", "q", "-nologo"]))!;
            await build.WaitForExitAsync(cancellationToken);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"building the API failed (exit code {build.ExitCode})");
            }
        }
        return dll;
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless; the next run uses a new one.
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>What a soak run saw: the figures, and the lines that explain them (failures by kind, readiness at the end).</summary>
internal sealed record SoakOutcome(long Served, long Failed, bool ServerAlive, string Row, IReadOnlyList<string> Lines);

/// <summary>One soak run against a server process it starts and stops itself.</summary>
internal sealed class Soak(string registry, string data, string api, string log, int rate, TimeSpan duration, int promotions, int corruptions)
{
    private const int MaxInFlight = 512;
    private static readonly string[] s_damages = ["empty snapshot", "non-Parquet snapshot", "half-copied snapshot", "truncated champion.json"];
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly List<string> _events = [];
    private long _served;
    private long _failed;
    private long _skipped;

    public async Task<SoakOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet", [api, "--urls", $"http://127.0.0.1:{port}", $"--Registry:Path={registry}", $"--Serving:DataPath={data}",
            $"--Security:ApiKey={key}", "--Serving:ReloadSeconds=0.5"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var server = Process.Start(start)!;
        var logging = Task.WhenAll(Pipe(server.StandardOutput, log + ".out"), Pipe(server.StandardError, log + ".err"));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxInFlight }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        try
        {
            await WaitReady(client, server, cancellationToken);
            var requests = Requests();
            var versions = new ModelRegistry(registry).List().Select(v => v.Version).ToArray();
            var load = Load(client, requests, cancellationToken);
            var disruptions = Disrupt(client, versions, cancellationToken);
            await Task.WhenAll(load, disruptions);
            var ready = await client.GetAsync("/health/ready", cancellationToken);
            var readyBody = await ready.Content.ReadAsStringAsync(cancellationToken);
            bool alive = !server.HasExited;
            return Outcome(alive, $"{(int)ready.StatusCode} {ReadyStatus(readyBody)}", readyBody);
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

    /// <summary>Requests at the target rate, each on its own, up to a bound in flight (beyond it the client is behind: counted, never hidden).</summary>
    private async Task Load(HttpClient client, IReadOnlyList<Func<HttpRequestMessage>> requests, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(MaxInFlight);
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            long due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                if (!gate.Wait(0))
                {
                    Interlocked.Increment(ref _skipped);
                    continue;
                }
                var request = requests[(int)(sent % requests.Count)]();
                inFlight.Add(Send(client, request, gate, cancellationToken));
            }
            inFlight.RemoveAll(t => t.IsCompleted);
            await Task.Delay(2, cancellationToken);
        }
        await Task.WhenAll(inFlight);
    }

    private async Task Send(HttpClient client, HttpRequestMessage request, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _served);
                _latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
            else
            {
                Fail($"{(int)response.StatusCode} on {request.Method} {Route(request.RequestUri)}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Fail(e.GetType().Name);
        }
        finally
        {
            request.Dispose();
            gate.Release();
        }
    }

    /// <summary>The endpoint without ids (/v1/customers, not /v1/customers/C000123): failures are grouped by it.</summary>
    private static string Route(Uri? uri)
    {
        var path = uri is null ? "" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        return string.Join('/', path.Split('/').Take(3));
    }

    private void Fail(string kind)
    {
        Interlocked.Increment(ref _failed);
        _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    /// <summary>Promotions and damaged files, spread evenly over the run and interleaved.</summary>
    private async Task Disrupt(HttpClient client, string[] versions, CancellationToken cancellationToken)
    {
        var plan = Enumerable.Range(0, promotions).Select(i => (Kind: "promote", Index: i))
            .Concat(Enumerable.Range(0, corruptions).Select(i => (Kind: "corrupt", Index: i)))
            .OrderBy(e => (e.Index + 0.5) / (e.Kind == "promote" ? promotions : corruptions)).ToList();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < plan.Count; i++)
        {
            var at = duration * (i + 0.5) / plan.Count;
            if (at > clock.Elapsed)
            {
                await Task.Delay(at - clock.Elapsed, cancellationToken);
            }
            var (kind, index) = plan[i];
            var outcome = kind == "promote" ? await Promote(client, versions[index % versions.Length], byApi: index % 2 == 0, cancellationToken) : Corrupt(index);
            _events.Add($"{clock.Elapsed.TotalSeconds,6:F1} s  {outcome}");
        }
    }

    private async Task<string> Promote(HttpClient client, string version, bool byApi, CancellationToken cancellationToken)
    {
        if (!byApi)
        {
            // As 'journeyml models promote' on another machine would: the service notices the pointer by itself.
            new ModelRegistry(registry).Promote(version, "soak: promoted behind the service's back", DateTime.UtcNow);
            return $"promoted {version} in the registry";
        }
        using var response = await client.PostAsync($"/v1/models/{version}/promote", new StringContent("{\"reason\":\"soak\"}", Encoding.UTF8, "application/json"), cancellationToken);
        return $"promoted {version} through the API: {(int)response.StatusCode}";
    }

    private string Corrupt(int index)
    {
        var damage = s_damages[index % s_damages.Length];
        var snapshots = Path.Combine(registry, "snapshots");
        // Named as the newest snapshot so far, so it is the one the service would switch to.
        var name = Path.Combine(snapshots, $"{new DateTime(2030, 1, 1).AddDays(index):yyyyMMdd}_{DateTime.UtcNow:yyyyMMddHHmmssfff}_soak.parquet");
        switch (damage)
        {
            case "empty snapshot":
                File.WriteAllBytes(name, []);
                break;
            case "non-Parquet snapshot":
                File.WriteAllText(name, "customer_id,churn_risk\nC1,0.5\n");
                break;
            case "half-copied snapshot":
                var good = File.ReadAllBytes(Snapshot.List(snapshots).First(f => new FileInfo(f).Length > 1000));
                File.WriteAllBytes(name, good[..(good.Length / 2)]);
                break;
            default:
                var pointer = Path.Combine(registry, ModelRegistry.ChampionFile);
                var text = File.ReadAllText(pointer);
                File.WriteAllText(pointer, text[..(text.Length / 2)]);
                break;
        }
        return $"damaged: {damage}";
    }

    /// <summary>Predictions (a ready feature row of a scored customer), customer lookups and the ranked list, in turn.</summary>
    private List<Func<HttpRequestMessage>> Requests()
    {
        var s = Snapshot.Read(Snapshot.List(Path.Combine(registry, "snapshots"))[^1]);
        var requests = new List<Func<HttpRequestMessage>>();
        for (int i = 0; i < Math.Min(50, s.Count); i++)
        {
            int row = i * 7919 % s.Count;
            var features = s.FeatureValues.Where(f => !float.IsNaN(f.Value[row])).ToDictionary(f => f.Key, f => f.Value[row]);
            var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["customerId"] = s.CustomerIds[row], ["status"] = "customer", ["features"] = features });
            var id = Uri.EscapeDataString(s.CustomerIds[row]);
            requests.Add(() => new HttpRequestMessage(HttpMethod.Post, "/v1/predictions") { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            requests.Add(() => new HttpRequestMessage(HttpMethod.Post, "/v1/predictions") { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, $"/v1/customers/{id}"));
            requests.Add(() => new HttpRequestMessage(HttpMethod.Get, "/v1/churn-risk?top=20"));
        }
        return requests;
    }

    private SoakOutcome Outcome(bool alive, string ready, string readyBody)
    {
        var sorted = _latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        long total = _served + _failed;
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Format(inv, "soak: {0:F0} s at {1:N0} requests/s target, {2} promotions, {3} damaged files", duration.TotalSeconds, rate, promotions, corruptions),
            string.Format(inv, "requests: {0:N0} sent, {1:N0} served, {2:N0} failed; {3:N0} not sent (more than {4} in flight: the client was behind)",
                total, _served, _failed, _skipped, MaxInFlight),
            string.Format(inv, "latency of served requests: p50 {0:F1} ms, p99 {1:F1} ms, max {2:F1} ms", P(0.5), P(0.99), sorted.LastOrDefault()),
        };
        lines.AddRange(_failures.OrderByDescending(f => f.Value).Select(f => $"failed: {f.Value:N0} x {f.Key}"));
        lines.AddRange(_events);
        lines.Add($"server at the end: {(alive ? "running" : "EXITED")}; /health/ready {ready}: {readyBody}");
        lines.Add($"server log: {log}.out, {log}.err");
        var row = string.Format(inv, "| {0:yyyy-MM-dd} | API soak: {1:F0} s at {2:N0} requests/s with {3} promotions and {4} damaged registry files | {5:N0} requests | {6:N0} served, {7:N0} failed, {8:N0} not sent | p50 {9:F1} ms, p99 {10:F1} ms | server {11}, ready {12} |",
            DateTime.UtcNow, duration.TotalSeconds, rate, promotions, corruptions, total, _served, _failed, _skipped, P(0.5), P(0.99), alive ? "running" : "exited", ready);
        return new SoakOutcome(_served, _failed, alive, row, lines);
    }

    private static string ReadyStatus(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() ?? "?";
        }
        catch (JsonException)
        {
            return "unreadable";
        }
    }

    internal static async Task WaitReady(HttpClient client, Process server, CancellationToken cancellationToken)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the API exited before it was ready (exit code {server.ExitCode})");
            }
            try
            {
                using var ready = await client.GetAsync("/health/ready", cancellationToken);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new InvalidOperationException("the API was not ready within 5 minutes");
    }

    internal static async Task Pipe(StreamReader from, string path)
    {
        await using var to = File.CreateText(path);
        await from.BaseStream.CopyToAsync(to.BaseStream);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
