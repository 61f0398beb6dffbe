using System.Net;
using System.Net.Sockets;
using JourneyML.Api.Serving;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Alerts;

/// <summary>A webhook call refused before it connects: its host is, or resolves to, an internal address.</summary>
public sealed class WebhookTargetRefusedException(string message) : IOException(message);

/// <summary>
/// Keeps webhooks to public hosts: a URL whose host is, or resolves to, an internal address (loopback, private ranges,
/// link-local with the cloud metadata service at 169.254.169.254, carrier-grade NAT, multicast, and their IPv6
/// equivalents and IPv4-mapped forms) is refused unless Webhooks:AllowedHosts names the host. Checked when a URL is
/// added, and again at every delivery on the addresses the name resolves to then, and the call connects to exactly
/// those checked addresses, so a name that changes its answer after the check (DNS rebinding) cannot reach inside.
/// </summary>
public sealed class WebhookTargets(IOptions<WebhookOptions> options)
{
    public const string AllowSetting = "Webhooks:AllowedHosts";

    private static readonly TimeSpan s_resolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>True when the host (a name or an address, as in the URL) is named in Webhooks:AllowedHosts.</summary>
    public bool IsAllowed(string host) => IsAllowed(host, options.Value.AllowedHosts);

    public static bool IsAllowed(string host, IEnumerable<string> allowed) =>
        allowed.Any(a => string.Equals(Bare(a), Bare(host), StringComparison.OrdinalIgnoreCase));

    /// <summary>Why a URL cannot be a webhook (its form, or an internal host), or null when it can; resolves the host's name.</summary>
    public async Task<string?> ProblemAsync(string? url, CancellationToken cancellationToken)
    {
        if (WebhookStore.Problem(url) is { } problem)
        {
            return problem;
        }
        var host = new Uri(url!).IdnHost;
        if (IsAllowed(host))
        {
            return null;
        }
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return "the host name does not resolve";
        }
        return addresses.Select(Internal).FirstOrDefault(p => p is not null) is { } kind ? Refusal(kind) : null;
    }

    /// <summary>For a configured URL, checked at start without the network: an address written in the URL must not be internal.</summary>
    public static string? LiteralProblem(string url, IEnumerable<string> allowed)
    {
        if (WebhookStore.Problem(url) is { } problem)
        {
            return problem;
        }
        var host = new Uri(url).IdnHost;
        return !IsAllowed(host, allowed) && IPAddress.TryParse(Bare(host), out var address) && Internal(address) is { } kind ? Refusal(kind) : null;
    }

    /// <summary>The webhook client's connection: resolve, check every address, connect to the checked ones only.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (!IsAllowed(host) && addresses.Select(Internal).FirstOrDefault(p => p is not null) is { } kind)
        {
            throw new WebhookTargetRefusedException(Refusal(kind));
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>What kind of internal address this is (for the refusal), or null for a public one.</summary>
    public static string? Internal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return InternalV4(address.GetAddressBytes());
        }
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return "loopback";
        }
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return "unspecified";
        }
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return "link-local";
        }
        if (address.IsIPv6UniqueLocal)
        {
            return "private";
        }
        if (address.IsIPv6Multicast)
        {
            return "multicast";
        }
        var bytes = address.GetAddressBytes();
        // IPv4 inside IPv6: NAT64 (64:ff9b::/96), 6to4 (2002::/16) and the old IPv4-compatible form (::a.b.c.d).
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..12].All(b => b == 0))
        {
            return InternalV4(bytes[12..16]);
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return InternalV4(bytes[2..6]);
        }
        return bytes[..12].All(b => b == 0) ? InternalV4(bytes[12..16]) ?? "IPv4-compatible" : null;
    }

    private static string? InternalV4(byte[] b) => (b[0], b[1]) switch
    {
        (0, _) => "unspecified",
        (127, _) => "loopback",
        (10, _) or (172, >= 16 and <= 31) or (192, 168) => "private",
        (169, 254) => "link-local, where the cloud metadata service lives",
        (100, >= 64 and <= 127) => "carrier-grade NAT",
        (192, 0) when b[2] == 0 => "reserved",
        (198, 18 or 19) => "benchmarking",
        ( >= 224 and <= 239, _) => "multicast",
        ( >= 240, _) => "reserved",
        _ => null,
    };

    private static string Refusal(string kind) =>
        $"the host is, or resolves to, an internal address ({kind}); webhooks call public hosts only, unless {AllowSetting} names the host";

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Bare(host), out var literal))
        {
            return [literal];
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_resolveTimeout);
        var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    private static string Bare(string host) => host.Trim().TrimStart('[').TrimEnd(']');
}
