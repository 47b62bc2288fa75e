using System.ComponentModel.DataAnnotations;
using System.Net;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the proxies (a load balancer, nginx) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the shop believes. With none configured the headers are ignored: the client is
/// the socket's address and the scheme the connection's.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Networks the proxies connect from, in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Single proxy addresses (<c>127.0.0.1</c> for nginx on the same machine).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>
    /// How many proxies in a row the shop looks behind: the entries of <c>X-Forwarded-For</c> taken from the
    /// right, each only while the address it came from is a known proxy.
    /// </summary>
    [Range(1, 10, ErrorMessage = "The setting ForwardedHeaders:ForwardLimit must be from 1 to 10 (environment variable ForwardedHeaders__ForwardLimit).")]
    public int ForwardLimit { get; set; } = 1;

    public bool AnyConfigured => KnownNetworks.Count > 0 || KnownProxies.Count > 0;

    public IEnumerable<System.Net.IPNetwork> Networks() => KnownNetworks.Select(n => System.Net.IPNetwork.Parse(n.Trim()));

    public IEnumerable<IPAddress> Proxies() => KnownProxies.Select(p => IPAddress.Parse(p.Trim()));

    /// <summary>
    /// CIDR with the network's first address. .NET accepts <c>10.0.0.1/8</c> as 10.0.0.0/8; refused here, since
    /// whoever wrote it may have meant the one proxy 10.0.0.1 and would trust sixteen million addresses.
    /// </summary>
    private static bool IsNetwork(string text)
    {
        if (!System.Net.IPNetwork.TryParse(text, out var network))
        {
            return false;
        }

        var written = IPAddress.Parse(text[..text.IndexOf('/', StringComparison.Ordinal)]).GetAddressBytes();
        for (var bit = network.PrefixLength; bit < written.Length * 8; bit++)
        {
            if ((written[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every malformed entry, and the host's own switch: <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c> makes ASP.NET Core
    /// believe the headers from any sender (and would apply them a second time after ours), so it is refused.
    /// </summary>
    public static IEnumerable<string> Problems(TrustedProxyOptions options, IConfiguration configuration)
    {
        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!IsNetwork(options.KnownNetworks[i].Trim()))
            {
                yield return $"The setting ForwardedHeaders:KnownNetworks:{i} ('{options.KnownNetworks[i]}') is not a network in CIDR form with its first address, like 10.0.0.0/8 or fd00::/8 (environment variable ForwardedHeaders__KnownNetworks__{i}).";
            }
        }

        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i].Trim(), out _))
            {
                yield return $"The setting ForwardedHeaders:KnownProxies:{i} ('{options.KnownProxies[i]}') is not an IP address, like 127.0.0.1 (environment variable ForwardedHeaders__KnownProxies__{i}).";
            }
        }

        if (string.Equals(configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            yield return "ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts X-Forwarded-For and X-Forwarded-Proto from any sender: remove it and name your proxies in ForwardedHeaders:KnownNetworks or ForwardedHeaders:KnownProxies (environment variables ForwardedHeaders__KnownNetworks__0, ForwardedHeaders__KnownProxies__0; see the README, \"Behind a proxy\").";
        }
    }
}
