using JourneyML.Core.Data;
using System.Text.Json;
using JourneyML.Api.Serving;

namespace JourneyML.Api.Alerts;

/// <summary>
/// The webhook URLs added through the API, kept in the registry folder (<c>webhooks.json</c>) so every instance
/// serving the same registry calls the same ones and a restart keeps them. Written atomically.
/// </summary>
public sealed class WebhookStore(ServingPaths paths)
{
    private readonly object _gate = new();
    private string File => Path.Combine(paths.Registry, "webhooks.json");

    public IReadOnlyList<string> Urls()
    {
        lock (_gate)
        {
            if (!System.IO.File.Exists(File))
            {
                return [];
            }
            try
            {
                return JsonSerializer.Deserialize<List<string>>(System.IO.File.ReadAllText(File)) ?? [];
            }
            catch (JsonException)
            {
                return [];
            }
        }
    }

    public void Save(IReadOnlyList<string> urls)
    {
        lock (_gate)
        {
            AtomicFile.WriteAllText(File, JsonSerializer.Serialize(urls));
        }
    }

    /// <summary>Why a URL cannot be a webhook, or null when it can: absolute http(s), no credentials in it.</summary>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "not an absolute URL";
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "only http and https URLs can be called";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "credentials in the URL are not accepted: use Webhooks:Secret for the signature";
        }
        return url.Length > 2000 ? "longer than 2,000 characters" : null;
    }
}
