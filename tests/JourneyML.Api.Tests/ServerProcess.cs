using System.Diagnostics;
using System.Text;

namespace JourneyML.Api.Tests;

/// <summary>The API as its own process on loopback (the build's JourneyML.Api.dll), for what only a real process shows: being killed.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public ServerProcess(string registry, string data)
    {
        Port = ModelAndJobApiTests.FreePort();
        var bin = Repo.Path("src", "JourneyML.Api", "bin", Repo.Configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(bin, "JourneyML.Api.dll"), "--urls", $"http://127.0.0.1:{Port}"])
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Registry__Path"] = registry;
        start.Environment["Serving__DataPath"] = data;
        start.Environment["Security__ApiKey"] = ServingFixture.ApiKey;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["DOTNET_NOLOGO"] = "1";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ServingFixture.ApiKey);
    }

    public int Port { get; }

    public HttpClient Client { get; }

    /// <summary>What the server printed so far (for a failing test's message).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the server answers its liveness check.</summary>
    public Task WaitUntilLiveAsync() => Waits.UntilAsync(async () =>
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Output}");
        }
        try
        {
            return (await Client.GetAsync("/health/live")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, live => live, "the server to start");

    /// <summary>Kills the process at once (SIGKILL): nothing of it runs to say goodbye.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }
}
