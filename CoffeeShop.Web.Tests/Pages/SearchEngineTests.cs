using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using AngleSharp.Dom;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>
/// What search engines and shared links see: a description per page, canonical links from the configured public
/// address (never a forged Host), Open Graph, a product's JSON-LD, the sitemap, robots.txt, and noindex on every
/// page a customer or admin has to themselves.
/// </summary>
public class SearchEngineTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Public = "https://shop.coffeeshop.example/";
    private const string Forged = "evil.example";

    /// <summary>The shop as deployed: its public address configured (the test factory's is https://localhost/).</summary>
    private ShopFactory Deployed() => new(Stripe, new Dictionary<string, string?> { ["Email:ShopUrl"] = Public });

    private static string? Meta(IDocument page, string selector) => page.QuerySelector(selector)?.GetAttribute("content");

    [Fact]
    public async Task Get_CatalogAndProductPages_EachDescribeThemselves()
    {
        var client = Factory.CreateBrowserClient();
        var catalog = await client.GetDocumentAsync("/");
        var kiambu = await client.GetDocumentAsync("/Products/kiambu-aa");
        var huila = await client.GetDocumentAsync("/Products/huila-el-mirador");

        string description;
        await using (var db = Db())
        {
            description = (await db.Products.SingleAsync(p => p.Slug == "kiambu-aa")).Description;
        }

        var descriptions = new[] { catalog, kiambu, huila }.Select(p => Meta(p, "meta[name=description]")).ToList();
        Assert.All(descriptions, d => Assert.False(string.IsNullOrWhiteSpace(d)));
        Assert.Equal(3, descriptions.Distinct().Count());
        // The product's own text, shortened to what a search result shows.
        var kiambuDescription = descriptions[1]!;
        Assert.True(kiambuDescription.Length <= 160, kiambuDescription);
        Assert.StartsWith(kiambuDescription.TrimEnd('…')[..40], description, StringComparison.Ordinal);
        Assert.Equal(kiambuDescription, Meta(kiambu, "meta[property='og:description']"));
        Assert.Equal("product", Meta(kiambu, "meta[property='og:type']"));
        Assert.Equal("Kiambu AA", Meta(kiambu, "meta[property='og:title']"));
    }

    [Fact]
    public async Task Get_PublicPages_CanonicalIsTheConfiguredAddress_EvenUnderAForgedHost()
    {
        await using var factory = Deployed();
        // A forged Host first, so a page it rendered would be the one the first-visit cache and the output cache keep.
        foreach (var host in new[] { Forged, "localhost" })
        {
            var client = factory.CreateBrowserClient();
            client.DefaultRequestHeaders.Host = host;
            var product = await client.GetDocumentAsync("/Products/kiambu-aa");
            var catalog = await client.GetDocumentAsync("/?roast=Light");

            Assert.Equal(Public + "Products/kiambu-aa", product.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
            Assert.Equal(Public + "Products/kiambu-aa", Meta(product, "meta[property='og:url']"));
            // Filtered views of the catalog name the catalog itself.
            Assert.Equal(Public, catalog.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
            Assert.DoesNotContain(Forged, product.DocumentElement.OuterHtml, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Forged, await factory.CreateBrowserClient().GetStringAsync("/sitemap.xml"), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Get_ProductPage_JsonLdCarriesPriceCurrencyAndAvailability()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 1805));
        }

        await using var factory = Deployed();
        var page = await factory.CreateBrowserClient().GetDocumentAsync("/Products/kiambu-aa");

        var script = Assert.Single(page.QuerySelectorAll("script[type='application/ld+json']"));
        // A data block: no nonce, so the first-visit cache may keep the page, and nothing for the CSP to run.
        Assert.False(script.HasAttribute("nonce"));
        using var json = JsonDocument.Parse(script.TextContent);
        var product = json.RootElement;
        Assert.Equal("https://schema.org", product.GetProperty("@context").GetString());
        Assert.Equal("Product", product.GetProperty("@type").GetString());
        Assert.Equal("Kiambu AA", product.GetProperty("name").GetString());
        var offer = product.GetProperty("offers");
        Assert.Equal("Offer", offer.GetProperty("@type").GetString());
        Assert.Equal("18.05", offer.GetProperty("price").GetString());
        Assert.Equal("EUR", offer.GetProperty("priceCurrency").GetString());
        Assert.Equal("https://schema.org/InStock", offer.GetProperty("availability").GetString());
        Assert.Equal(Public + "Products/kiambu-aa", offer.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Get_ProductPage_SoldOut_JsonLdSaysOutOfStock()
    {
        await using (var db = Db())
        {
            var id = await db.Products.Where(p => p.Slug == "huila-el-mirador").Select(p => p.Id).SingleAsync();
            await db.Database.ExecuteSqlAsync($"INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, actor, note) SELECT id, -stock, 0, 'Correction', 'test', 'sold out' FROM products WHERE id = {id}");
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/Products/huila-el-mirador");

        Assert.NotNull(page.QuerySelector(".out"));
        using var json = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")!.TextContent);
        Assert.Equal("https://schema.org/OutOfStock", json.RootElement.GetProperty("offers").GetProperty("availability").GetString());
    }

    [Fact]
    public async Task Get_ProductPage_NameWithMarkup_StaysInsideItsDataBlock()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa")
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Description, "Bright </script><script>alert(1)</script> & juicy"));
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/Products/kiambu-aa");

        var script = Assert.Single(page.QuerySelectorAll("script[type='application/ld+json']"));
        using var json = JsonDocument.Parse(script.TextContent);
        Assert.Equal("Bright </script><script>alert(1)</script> & juicy", json.RootElement.GetProperty("description").GetString());
        Assert.Empty(page.QuerySelectorAll("script:not([type='application/ld+json']):not([src])"));
    }

    [Fact]
    public async Task Get_Sitemap_ListsTheCatalogAndActiveProductsOnly()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "sumatra-gayo").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        await using var factory = Deployed();
        var response = await factory.CreateBrowserClient().GetAsync("/sitemap.xml");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl!.Public && response.Headers.CacheControl.MaxAge > TimeSpan.Zero, $"Cache-Control: {response.Headers.CacheControl}");
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var locations = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(ns + "loc").Select(l => l.Value).ToList();
        List<string> active;
        await using (var db = Db())
        {
            active = await db.Products.Where(p => p.IsActive).Select(p => Public + "Products/" + p.Slug).ToListAsync();
        }

        Assert.Equal(new[] { Public }.Concat(active.Order(StringComparer.Ordinal)), locations);
        Assert.DoesNotContain(Public + "Products/sumatra-gayo", locations);
    }

    [Fact]
    public async Task Get_RobotsTxt_DisallowsThePrivatePagesAndNamesTheSitemap()
    {
        await using var factory = Deployed();
        var response = await factory.CreateBrowserClient().GetAsync("/robots.txt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("User-agent: *", lines[0]);
        var disallowed = lines.Where(l => l.StartsWith("Disallow: ", StringComparison.Ordinal)).Select(l => l["Disallow: ".Length..]).ToList();
        bool Disallowed(string path) => disallowed.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal));
        foreach (var path in new[] { "/Admin", "/Admin/Orders", "/Cart", "/Checkout", "/Checkout/Return", "/Orders/abc", "/Orders/abc/Invoice", "/Identity/Account/Login", "/Enrol/abc" })
        {
            Assert.True(Disallowed(path), $"{path} is not disallowed by: {string.Join(", ", disallowed)}");
        }

        foreach (var path in new[] { "/", "/Products/kiambu-aa", "/sitemap.xml", "/favicon.ico" })
        {
            Assert.False(Disallowed(path), $"{path} is disallowed by: {string.Join(", ", disallowed)}");
        }

        Assert.Contains($"Sitemap: {Public}sitemap.xml", lines);
    }

    [Fact]
    public async Task Get_PrivatePages_SayNoIndex_AndPublicPagesDoNot()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var paid = await shopper.PayAsync("ctoken_pm_card_visa");
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var order = paid.Headers.Location!.OriginalString;
        Assert.StartsWith("/Orders/", order, StringComparison.Ordinal);
        await shopper.AddToCartAsync("huila-el-mirador");
        var admin = await AdminSession.SignInAsync(Factory);

        foreach (var (client, path) in new[] { (shopper.Client, "/Cart"), (shopper.Client, "/Checkout"), (shopper.Client, order), (admin, "/Admin/Orders"), (Factory.CreateBrowserClient(), "/Identity/Account/Login") })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("noindex", Assert.Single(response.Headers.GetValues(NoIndexAttribute.Header)));
            var page = await HtmlForms.ParseAsync(response);
            Assert.Equal("noindex", Meta(page, "meta[name=robots]"));
            Assert.False(string.IsNullOrWhiteSpace(Meta(page, "meta[name=description]")), path);
        }

        foreach (var path in new[] { "/", "/Products/kiambu-aa" })
        {
            var response = await Factory.CreateBrowserClient().GetAsync(path);
            Assert.False(response.Headers.Contains(NoIndexAttribute.Header), path);
            Assert.Null((await HtmlForms.ParseAsync(response)).QuerySelector("meta[name=robots]"));
        }
    }

    [Fact]
    public void Pages_ForCartCheckoutOrdersAdminAndAccounts_AreAllMarkedNoIndex()
    {
        var pages = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .ToList();
        string[] privateFolders = ["/Admin", "/Cart", "/Checkout", "/Orders", "/Enrol", "/Account"];

        var unmarked = pages.Where(e => privateFolders.Any(f => e.Metadata.GetMetadata<PageActionDescriptor>()!.ViewEnginePath.StartsWith(f + "/", StringComparison.Ordinal))
                && !NoIndexAttribute.IsOn(e))
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.True(unmarked.Count == 0, "Not marked [NoIndex]: " + string.Join(", ", unmarked));
        Assert.Contains(pages, e => e.Metadata.GetMetadata<PageActionDescriptor>()!.ViewEnginePath.StartsWith("/Admin/", StringComparison.Ordinal));
        Assert.DoesNotContain(pages, e => NoIndexAttribute.IsOn(e) && e.Metadata.GetMetadata<PageActionDescriptor>()!.ViewEnginePath is "/Index" or "/Products/Details");
    }

    [Fact]
    public async Task Get_Icons_AreInThePageOrServedAndFaviconIcoIsNotMissing()
    {
        var client = Factory.CreateBrowserClient();
        var page = await client.GetDocumentAsync("/");
        var icon = page.QuerySelector("link[rel=icon]")!.GetAttribute("href")!;
        var touch = page.QuerySelector("link[rel=apple-touch-icon]")!.GetAttribute("href")!;

        // The SVG icon is in the page (no request on a first visit); the home-screen icon is fingerprinted by the static
        // assets, so cached for a year where the app is published, like the stylesheet.
        Assert.StartsWith("data:image/svg+xml,%3Csvg xmlns=", icon, StringComparison.Ordinal);
        Assert.Matches(@"^/apple-touch-icon\.[a-z0-9]+\.png$", touch);
        Assert.Equal("image/png", (await client.GetAsync(touch)).Content.Headers.ContentType!.MediaType);
        var ico = await client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, ico.StatusCode);
        Assert.True((await ico.Content.ReadAsByteArrayAsync()).Length < 2048);
    }
}
