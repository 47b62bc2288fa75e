using System.Net;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>
/// Outside Development the shop serves over HTTPS only (docs/adr/0024), on a real Kestrel socket: an instance on
/// plain http that trusts no proxy is refused at start-up, and behind a named proxy that ends TLS the forms work,
/// HSTS is sent, and whatever still arrives over plain http is redirected instead of failing.
/// </summary>
public class HttpsOnlyTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string PublicHost = "shop.coffeeshop.example";

    [Theory]
    [InlineData(false, "http://127.0.0.1:5080", false, false)]
    [InlineData(false, "http://127.0.0.1:5080;http://[::1]:5080", false, false)]
    [InlineData(false, "http://127.0.0.1:5080", true, true)]
    [InlineData(false, "http://127.0.0.1:5080;https://127.0.0.1:5443", false, true)]
    [InlineData(false, "https://0.0.0.0:443", false, true)]
    [InlineData(true, "http://127.0.0.1:5080", false, true)]
    [InlineData(false, "", false, true)]
    public void Problem_OnlyWithoutHttpsAndWithoutATrustedProxyOutsideDevelopment(bool development, string addresses, bool proxies, bool serves)
    {
        var problem = HttpsOnly.Problem(development, addresses.Split(';', StringSplitOptions.RemoveEmptyEntries), proxies);

        Assert.Equal(serves, problem is null);
    }

    [Fact]
    public void Start_OutsideDevelopmentOnPlainHttpWithoutATrustedProxy_IsRefusedSayingWhatToSet()
    {
        // The newcomer's start: a Release build behind a proxy that ends TLS, with the forwarded-headers setting forgotten.
        using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        shop.UseKestrel();

        var error = Assert.ThrowsAny<Exception>(shop.StartServer);

        var message = Flatten(error);
        Assert.Contains("listens on plain http only (http://127.0.0.1:", message, StringComparison.Ordinal);
        Assert.Contains("ForwardedHeaders__KnownProxies__0=127.0.0.1", message, StringComparison.Ordinal);
        Assert.Contains("ForwardedHeaders__KnownNetworks__0", message, StringComparison.Ordinal);
        Assert.Contains("Kestrel__Certificates__Default__Path", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BehindANamedProxyEndingTls_FormsWorkWithHsts_AndPlainHttpIsRedirectedNeverA500()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        shop.UseKestrel();
        shop.StartServer();
        var instance = new Uri(shop.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        // Through the proxy over https: the product page's form, the cart, HSTS.
        using var overHttps = Browser(instance, "https");
        var product = await overHttps.GetAsync(new Uri("/Products/kiambu-aa", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, product.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(product.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await new Shopper(overHttps).AddToCartAsync("kiambu-aa", 2)).StatusCode);
        var cart = await overHttps.GetAsync(new Uri("/Cart", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, cart.StatusCode);

        // Through the proxy's plain-http listener, and straight to the instance: redirected to https, no HSTS, no page.
        using var overHttp = Browser(instance, "http");
        foreach (var path in new[] { "/Products/kiambu-aa", "/Cart", "/Identity/Account/Login" })
        {
            var redirected = await overHttp.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
            Assert.Equal($"https://{PublicHost}{path}", redirected.Headers.Location!.OriginalString);
            Assert.False(redirected.Headers.Contains("Strict-Transport-Security"));
        }

        using var direct = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = instance };
        var post = await direct.PostAsync(new Uri("/Cart", UriKind.Relative), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, post.StatusCode);
        // The load balancer's probes go straight to the instance's http port and are answered there.
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    /// <summary>A browser on the public host, its requests passing a proxy on 127.0.0.1 that says which scheme the browser used.</summary>
    private static HttpClient Browser(Uri instance, string scheme) =>
#pragma warning disable CA2000 // the handler belongs to the client
        new(new ProxyEndingTls(scheme) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false } }) { BaseAddress = instance };
#pragma warning restore CA2000

    private sealed class ProxyEndingTls(string scheme) : DelegatingHandler
    {
        private readonly CookieContainer _browserJar = new();
        private readonly Uri _public = new($"{scheme}://{PublicHost}/");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = PublicHost;
            request.Headers.Add("X-Forwarded-Proto", scheme);
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            if (_browserJar.GetCookieHeader(_public) is { Length: > 0 } cookies)
            {
                request.Headers.Add("Cookie", cookies);
            }

            var response = await base.SendAsync(request, cancellationToken);
            foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                _browserJar.SetCookies(_public, setCookie);
            }

            return response;
        }
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? "" : " | " + Flatten(error.InnerException));
}
