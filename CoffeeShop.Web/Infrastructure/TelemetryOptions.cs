using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>The <c>OpenTelemetry</c> settings section: where traces and metrics are pushed (OTLP), if anywhere.</summary>
public sealed class OpenTelemetryOptions
{
    public const string Section = "OpenTelemetry";

    /// <summary>An OTLP/gRPC collector, e.g. <c>http://127.0.0.1:4317</c>; empty: nothing is pushed.</summary>
    public string? OtlpEndpoint { get; set; }

    public Uri? OtlpUri => Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    public static IEnumerable<string> Problems(OpenTelemetryOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && options.OtlpUri is null)
        {
            yield return "The setting OpenTelemetry:OtlpEndpoint must be an http or https address such as http://127.0.0.1:4317, or empty. Set it in appsettings.json or the environment variable OpenTelemetry__OtlpEndpoint.";
        }
    }
}

/// <summary>
/// The <c>Metrics</c> settings section: the port of the Prometheus scrape endpoint. It is a port of its own,
/// never the shop's public one, so the scrape can be left to the internal network.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>0: no scrape endpoint.</summary>
    [Range(0, 65535, ErrorMessage = "The setting Metrics:Port must be a port from 1 to 65535, or 0 for no scrape endpoint. Set it in appsettings.json or the environment variable Metrics__Port.")]
    public int Port { get; set; }

    public bool Enabled => Port is > 0 and <= 65535;

    /// <param name="shopUrls">The addresses the shop serves its pages on (<see cref="ScrapePort.ShopUrls"/>).</param>
    public static IEnumerable<string> Problems(MetricsOptions options, IReadOnlyList<string> shopUrls)
    {
        if (!options.Enabled)
        {
            yield break;
        }

        foreach (var url in shopUrls.Where(url => ScrapePort.PortOf(url) == options.Port))
        {
            yield return $"The setting Metrics:Port ({options.Port}) is a port the shop serves its pages on ({url}): the scrape needs a port of its own. Set another in appsettings.json or the environment variable Metrics__Port, or 0 for none.";
        }
    }
}
