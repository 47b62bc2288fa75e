using System.Globalization;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// The Prometheus scrape's own port (<c>Metrics:Port</c>): Kestrel listens on it beside the shop's own
/// addresses, and a request that arrives on it gets the scrape and nothing else.
/// </summary>
public static class ScrapePort
{
    private const string KestrelEndpoints = "Kestrel:Endpoints";

    /// <summary>The addresses the shop serves its pages on, read as Kestrel will read them.</summary>
    public static IReadOnlyList<string> ShopUrls(WebApplicationBuilder builder)
    {
        var endpoints = builder.Configuration.GetSection(KestrelEndpoints).GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }

        if (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        // No URLs: Kestrel serves ASPNETCORE_HTTP_PORTS / HTTPS_PORTS (as container images set), else its default.
        List<string> ports =
        [
            .. Ports(builder, WebHostDefaults.HttpPortsKey).Select(p => $"http://*:{p}"),
            .. Ports(builder, WebHostDefaults.HttpsPortsKey).Select(p => $"https://*:{p}"),
        ];
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    /// <summary>
    /// Adds the scrape port to what Kestrel listens on. Endpoints from configuration replace the URLs, and
    /// URLs the default ports, so the port joins whichever the shop uses rather than replacing them.
    /// </summary>
    public static void Listen(WebApplicationBuilder builder, int port, IReadOnlyList<string> shopUrls)
    {
        var url = string.Create(CultureInfo.InvariantCulture, $"http://*:{port}");
        if (builder.Configuration.GetSection(KestrelEndpoints).GetChildren().Any())
        {
            builder.Configuration[$"{KestrelEndpoints}:PrometheusScrape:Url"] = url;
        }
        else
        {
            builder.WebHost.UseUrls([.. shopUrls, url]);
        }
    }

    /// <summary>
    /// First in the pipeline, chosen by the port the connection arrived on, never by the Host header (which
    /// any client writes): the shop's port never answers the scrape, and the scrape port answers nothing but
    /// <c>/metrics</c>, untouched by the shop's error pages, security headers, rate limits and request logs.
    /// </summary>
    public static void Answer(IApplicationBuilder app, int port) =>
        app.MapWhen(context => context.Connection.LocalPort == port, scrape =>
        {
            scrape.UseOpenTelemetryPrometheusScrapingEndpoint();
            scrape.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });

    /// <summary>The port of a Kestrel URL such as <c>http://*:5080</c> or <c>https://localhost</c>; null when unreadable.</summary>
    public static int? PortOf(string url)
    {
        var readable = url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(readable, UriKind.Absolute, out var uri) ? uri.Port : null;
    }

    private static IEnumerable<int> Ports(WebApplicationBuilder builder, string key) =>
        (builder.WebHost.GetSetting(key) ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1)
            .Where(p => p > 0);
}
