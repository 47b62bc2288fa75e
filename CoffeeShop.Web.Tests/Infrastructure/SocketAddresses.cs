using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// The in-memory test server has no socket, so its requests come from no address at all. A request carrying
/// <see cref="Header"/> gets that address as its connection's remote address before anything of the shop runs:
/// what Kestrel would report for a client, or a proxy, connecting from there. The header is removed, so the
/// shop never sees it.
/// </summary>
public sealed class SocketAddresses : IStartupFilter
{
    public const string Header = "X-Test-Socket-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, rest) =>
        {
            if (context.Request.Headers.Remove(Header, out var address))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            }

            return rest(context);
        });
        next(app);
    };

    /// <summary>Every later request of this client comes from <paramref name="address"/> (replacing any earlier one).</summary>
    public static HttpClient ConnectFrom(HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Remove(Header);
        client.DefaultRequestHeaders.Add(Header, address);
        return client;
    }
}
