using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace CoffeeShop.Bench.CheckoutLoad;

/// <summary>
/// One HttpClient (one connection pool) for every virtual customer. Cookies are kept per customer by
/// <see cref="Customer"/>, not by the handler, so thousands of customers share the pool. The shop's
/// certificate is the one bench/run generated: it is pinned, nothing else is trusted.
/// </summary>
internal sealed partial class ShopClient : IDisposable
{
    private readonly X509Certificate2 _pinned;

    public ShopClient(Uri baseAddress, string certificatePemPath, int maxConnections)
    {
        _pinned = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePemPath));
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = IsPinned },
        };
        Http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public Uri BaseAddress => Http.BaseAddress!;

    private bool IsPinned(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == _pinned.GetCertHashString();

    /// <summary>Hidden and named inputs of the first form whose opening tag matches <paramref name="formMarker"/>.</summary>
    public static List<KeyValuePair<string, string>> FormFields(string html, string formMarker, out string? action)
    {
        var start = html.IndexOf(formMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : html.IndexOf("</form>", start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
        {
            throw new BenchException($"no form '{formMarker}' in the page");
        }

        var formStart = html.LastIndexOf("<form", start, StringComparison.Ordinal);
        var openTag = html[formStart..html.IndexOf('>', formStart)];
        action = Attribute(openTag, "action");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputTag().Matches(html[formStart..end]))
        {
            if (Attribute(input.Value, "name") is { } name && Attribute(input.Value, "type") is not ("submit" or "button"))
            {
                fields.Add(new(name, Attribute(input.Value, "value") ?? ""));
            }
        }

        return fields;
    }

    public static string? Attribute(string tag, string name)
    {
        var match = AttributeValue().Matches(tag).FirstOrDefault(m => string.Equals(m.Groups[1].Value, name, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : WebUtility.HtmlDecode(match.Groups[2].Value);
    }

    public void Dispose()
    {
        Http.Dispose();
        _pinned.Dispose();
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("\\s([a-zA-Z-]+)=\"([^\"]*)\"")]
    private static partial Regex AttributeValue();
}

/// <summary>A customer's browser cookies, sent in a Cookie header (the shop marks them Secure).</summary>
internal sealed class Customer
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    /// <summary>A new customer holding the same cookies (e.g. an antiforgery cookie, before any cart).</summary>
    public Customer Copy()
    {
        var copy = new Customer();
        foreach (var (name, value) in _cookies)
        {
            copy._cookies[name] = value;
        }

        return copy;
    }

    public string CookieHeader => string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));

    public HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", CookieHeader);
        }

        return request;
    }

    public void Store(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            var pair = value.Split(';', 2)[0];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var (name, cookie) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
            if (cookie.Length == 0 || value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = cookie;
            }
        }
    }
}
