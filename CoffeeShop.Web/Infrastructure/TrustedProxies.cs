using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Forwarded headers from the proxies named in <see cref="TrustedProxyOptions"/> only. The client's address
/// decides its rate-limit window and the scheme decides antiforgery, HSTS and Stripe's return address, so a
/// header anyone can send is believed only from a proxy the operator named.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section)
            .ValidateDataAnnotations()
            .ValidateProblems<TrustedProxyOptions, IConfiguration>(TrustedProxyOptions.Problems)
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            // ASP.NET Core's defaults trust loopback (127.0.0.0/8 and ::1); only what is configured is trusted here,
            // so nginx on the same machine is named as 127.0.0.1 like any other proxy.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            if (!trusted.Value.AnyConfigured)
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.None;
                return;
            }

            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = trusted.Value.ForwardLimit;
            foreach (var network in trusted.Value.Networks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            foreach (var proxy in trusted.Value.Proxies())
            {
                forwarded.KnownProxies.Add(proxy);
            }
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline, so request logging, the error pages, HSTS and the rate limits all see the client's
    /// address and scheme. Without a configured proxy there is nothing to apply.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.AnyConfigured)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
