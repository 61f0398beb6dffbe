using System.Collections.Concurrent;
using System.Net;

namespace JourneyML.Api.Tests;

/// <summary>A webhook receiver on loopback that answers 204 and counts the calls to each of its paths.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    /// <param name="prefixes">Host and path pairs to listen on, such as ("127.0.0.1", "/hook/").</param>
    public WebhookReceiver(params (string Host, string Path)[] prefixes)
    {
        Port = ModelAndJobApiTests.FreePort();
        foreach (var (host, path) in prefixes)
        {
            _listener.Prefixes.Add($"http://{host}:{Port}{path}");
        }
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url(string host, string path) => $"http://{host}:{Port}{path}";

    /// <summary>The calls to a path so far.</summary>
    public int Hits(string path) => _hits.GetValueOrDefault(path);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _hits.AddOrUpdate(context.Request.Url!.AbsolutePath, 1, (_, n) => n + 1);
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
