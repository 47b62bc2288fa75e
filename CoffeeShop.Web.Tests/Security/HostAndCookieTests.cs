using System.Net;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>
/// Outside Development the shop answers only its configured host names, and its cookies carry the __Host- prefix
/// (they are always Secure there); Development over plain http takes any host and keeps plain cookie names.
/// </summary>
public class HostAndCookieTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Fact]
    public async Task Get_HostNotInAllowedHosts_Answers400()
    {
        var client = Factory.CreateBrowserClient();

        var forged = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "shop.attacker.example" } });
        var allowed = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task ShopCookies_OutsideDevelopment_AreHostPrefixedSecureOnPathRootWithoutDomain()
    {
        await AdminSession.CreateUserAsync(Factory, "admin@coffeeshop.test", admin: true);
        var client = Factory.CreateBrowserClient();
        var setCookies = new List<string>();

        setCookies.AddRange(SetCookies(await client.GetAsync("/Products/kiambu-aa")));
        setCookies.AddRange(SetCookies(await new Shopper(client).AddToCartAsync("kiambu-aa", 1)));
        setCookies.AddRange(SetCookies(await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", AdminSession.Password)));

        var names = setCookies.Select(c => c.Split('=')[0]).ToList();
        Assert.Contains(ShopCookies.HostPrefix + ShopCookies.Antiforgery, names);
        Assert.Contains(ShopCookies.HostPrefix + CartCookie.Name, names);
        Assert.Contains(ShopCookies.HostPrefix + AdminRegistration.CookieName, names);
        foreach (var cookie in setCookies)
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).ToList();
            Assert.True(cookie.StartsWith(ShopCookies.HostPrefix, StringComparison.Ordinal), $"not __Host-: {cookie}");
            Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
            Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Development_AnyHostNoCertificateAndPlainHttp_WorksWithPlainCookieNames()
    {
        await using var development = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["AllowedHosts"] = "*",
            ["DataProtection:CertificatePath"] = "",
            ["DataProtection:CertificatePassword"] = "",
        }, environment: "Development");
        var services = development.Services;

        Assert.Equal(ShopCookies.Antiforgery, services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name);
        Assert.Equal(AdminRegistration.CookieName,
            services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).Cookie.Name);
        var client = development.CreateClient(new() { BaseAddress = new Uri("http://shop.dev.example"), AllowAutoRedirect = false });
        var added = await new Shopper(client).AddToCartAsync("kiambu-aa", 1);
        Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        Assert.Contains(SetCookies(added), c => c.StartsWith(CartCookie.Name + "=", StringComparison.Ordinal));
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
}
