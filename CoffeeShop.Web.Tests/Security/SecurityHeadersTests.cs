using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

public class SecurityHeadersTests(ShopFixture fixture) : ShopTest(fixture)
{
    private static readonly string[] StripePages = ["/Checkout", "/Checkout/Index", "/Checkout/Authenticate"];

    /// <summary>Every page of the app without required route values, from its endpoints, so new pages are covered too.</summary>
    private List<string> HtmlRoutes() => Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
        .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
        .Where(r => !r.Contains('{', StringComparison.Ordinal) || r.Contains("?}", StringComparison.Ordinal))
        .Select(r => r.Split('{')[0].TrimEnd('/') is { Length: > 0 } p ? p : "/")
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public async Task Get_EveryHtmlRoute_CarriesTheSecurityHeadersAndStripeHostsOnlyOnCheckout()
    {
        var shopper = new Shopper(await AdminSession.SignInAsync(Factory));
        await shopper.AddToCartAsync("kiambu-aa");
        var routes = HtmlRoutes();
        Assert.Contains("/", routes);
        Assert.Contains("/Admin/Payments", routes);
        Assert.Contains("/Checkout", routes);
        Assert.Equal(StripePages.Order(StringComparer.Ordinal), Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<CoffeeShop.Web.Infrastructure.LoadsStripeJsAttribute>() is not null)
            .OfType<RouteEndpoint>().Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Order(StringComparer.Ordinal));
        var checked_ = 0;

        foreach (var route in routes)
        {
            var response = await shopper.Client.GetAsync(new Uri(ShopFactory.BaseAddress, route));
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            checked_++;
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
            var scriptSrc = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
            Assert.Contains("'nonce-", scriptSrc, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", scriptSrc, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", scriptSrc, StringComparison.Ordinal);
            // A page that answered 404 shows the error page, under the default policy.
            var stripe = StripePages.Contains(route) && response.StatusCode == HttpStatusCode.OK;
            Assert.True(stripe == csp.Contains("https://js.stripe.com", StringComparison.Ordinal), $"{route} ({(int)response.StatusCode}): {csp}");
            Assert.True(stripe == csp.Contains("https://hooks.stripe.com", StringComparison.Ordinal), $"{route}: {csp}");
            Assert.True(stripe == csp.Contains("https://api.stripe.com", StringComparison.Ordinal), $"{route}: {csp}");
            Assert.True(stripe || !csp.Contains("stripe", StringComparison.Ordinal), $"{route}: {csp}");
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("camera=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")), StringComparison.Ordinal);
        }

        Assert.True(checked_ >= 8, $"only {checked_} HTML routes answered");
    }

    [Fact]
    public async Task Get_OverHttps_SendsHsts()
    {
        // HSTS is never sent for localhost (a developer's browser would remember it), so ask as the shop's host.
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ShopFactory.BaseAddress, "/"));
        request.Headers.Host = "shop.coffeeshop.example";

        var response = await Factory.CreateBrowserClient().SendAsync(request);

        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Checkout_NonceIsNewPerRequestAndOnTheScripts()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");

        string Nonce(HttpResponseMessage r) => Assert.Single(r.Headers.GetValues("Content-Security-Policy"))
            .Split("'nonce-")[1].Split('\'')[0];
        var first = await shopper.Client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Checkout"));
        var second = await shopper.Client.GetAsync(new Uri(ShopFactory.BaseAddress, "/Checkout"));

        Assert.NotEqual(Nonce(first), Nonce(second));
        var page = await HtmlForms.ParseAsync(second);
        Assert.All(page.QuerySelectorAll("script"), s => Assert.Equal(Nonce(second), s.GetAttribute("nonce")));
        Assert.Empty(page.QuerySelectorAll("[style]"));
    }

    [Fact]
    public async Task Get_Authenticate_AllowsStripeJs()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var pay = await shopper.PayAsync("ctoken_pm_card_threeDSecure2Required");

        var response = await shopper.Client.GetAsync(new Uri(ShopFactory.BaseAddress, pay.Headers.Location!.OriginalString));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("https://js.stripe.com", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }
}
