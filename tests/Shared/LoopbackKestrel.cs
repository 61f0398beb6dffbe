using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace JourneyML.TestSupport;

/// <summary>
/// Starts a <see cref="WebApplicationFactory{TEntryPoint}"/> on real Kestrel sockets on loopback (a browser, wrk or a
/// second client needs one). Compiled into the web test projects (they reference ASP.NET; TestSupport does not).
/// </summary>
/// <remarks>
/// Not <c>UseKestrel(port)</c>: that rewrites the server's addresses after the minimal-API host has started Kestrel on
/// its own thread, and when Kestrel's bind wins the race the factory throws "IServerAddressesFeature.Addresses cannot
/// be modified after the server has started" (dotnet/aspnetcore#67714; it failed CI once in 900 tests). A listen
/// option is read by Kestrel itself when it binds, so there is nothing to race.
/// </remarks>
internal static class LoopbackKestrel
{
    /// <summary>Starts the server on 127.0.0.1:<paramref name="port"/> (0: a free port) and returns its address.</summary>
    public static Uri StartOnLoopback<T>(this WebApplicationFactory<T> factory, int port = 0)
        where T : class
    {
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        return Address(factory);
    }

    /// <summary>The address the started server listens on.</summary>
    public static Uri Address<T>(this WebApplicationFactory<T> factory)
        where T : class
    {
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
