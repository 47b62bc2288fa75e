using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// On an endpoint that answers over plain http too, outside Development: the health probes, which a load
/// balancer sends straight to an instance's http port (see <see cref="HttpsOnly"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ServedOverPlainHttpAttribute : Attribute;

/// <summary>
/// Outside Development the shop serves over HTTPS only (docs/adr/0024): antiforgery refuses to issue a token on a
/// plain-http request and the <c>__Host-</c> cookies are <c>Secure</c>, so a page with a form served over http can
/// only fail. Two guards: start-up refuses an instance that can never see an https request (no https address and
/// no trusted proxy to say a request came over https), and a request that still arrives over plain http is
/// redirected to https before any page renders.
/// </summary>
public static class HttpsOnly
{
    /// <summary>ASP.NET Core's own setting for the public https port that redirects go to (<c>HTTPS_PORT</c>).</summary>
    public const string HttpsPortSetting = "HTTPS_PORT";

    public static IServiceCollection AddHttpsOnly(this IServiceCollection services)
    {
        services.AddHostedService<HttpsServingCheck>();
        services.AddOptions<HttpsRedirectionOptions>().Configure<IOptions<TrustedProxyOptions>, IConfiguration>((redirection, proxies, configuration) =>
        {
            // Behind a proxy that ends TLS the public https port is the proxy's, which the instance cannot see:
            // 443 unless HTTPS_PORT says otherwise. Without a proxy, the middleware takes Kestrel's https port.
            if (proxies.Value.AnyConfigured && string.IsNullOrEmpty(configuration[HttpsPortSetting]))
            {
                redirection.HttpsPort = 443;
            }
        });
        return services;
    }

    /// <summary>
    /// After routing, so an endpoint can be marked <see cref="ServedOverPlainHttpAttribute"/>, and after the trusted
    /// proxies' headers, so a request that reached the proxy over https counts as https. A plain-http request is
    /// redirected (307, method and body kept) to the same address over https.
    /// </summary>
    public static IApplicationBuilder UseHttpsOnly(this IApplicationBuilder app, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return app;
        }

        return app.UseWhen(
            context => !context.Request.IsHttps && context.GetEndpoint()?.Metadata.GetMetadata<ServedOverPlainHttpAttribute>() is null,
            plain => plain.UseHttpsRedirection());
    }

    /// <summary>
    /// Runs once the server listens (its real addresses known): outside Development, an instance with no https
    /// address and no trusted proxy would start, report healthy and answer 500 on every page with a form, so it
    /// is refused, naming what to set. The in-memory test server has no addresses: nothing to judge there.
    /// </summary>
    internal sealed class HttpsServingCheck(IServer server, IHostEnvironment environment, IOptions<TrustedProxyOptions> proxies) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken)
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            if (Problem(environment.IsDevelopment(), addresses?.ToList() ?? [], proxies.Value.AnyConfigured) is { } problem)
            {
                throw new OptionsValidationException(TrustedProxyOptions.Section, typeof(TrustedProxyOptions), [problem]);
            }

            return Task.CompletedTask;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Why an instance listening on <paramref name="addresses"/> cannot serve its forms, or null when it can.</summary>
    public static string? Problem(bool development, IReadOnlyCollection<string> addresses, bool proxiesTrusted)
    {
        if (development || addresses.Count == 0 || proxiesTrusted
            || addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return $"Outside Development the shop serves its pages over HTTPS only (antiforgery and the secure cookies need it), but it listens on plain http only ({string.Join(", ", addresses)}) and trusts no proxy to say a request came over https. "
            + "Behind a proxy that ends TLS (nginx, a load balancer), name it: ForwardedHeaders:KnownProxies (environment variable ForwardedHeaders__KnownProxies__0=127.0.0.1 for nginx on this machine) "
            + "or ForwardedHeaders:KnownNetworks (ForwardedHeaders__KnownNetworks__0=10.0.0.0/8); see the README, \"Behind a proxy\". "
            + "Without a proxy, listen on https with a certificate: --urls https://0.0.0.0:443 and Kestrel__Certificates__Default__Path, Kestrel__Certificates__Default__KeyPath.";
    }
}
