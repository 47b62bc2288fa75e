using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

public class CatalogTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Fact]
    public async Task Get_Index_ListsActiveProductsWithDatabasePrices()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 1777));
            await db.Products.Where(p => p.Slug == "sumatra-gayo").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/");

        var names = page.QuerySelectorAll(".card h2").Select(h => h.TextContent.Trim()).ToList();
        Assert.True(names.Count >= 6, $"expected at least 6 products, saw {names.Count}");
        Assert.Contains("Kiambu AA", names);
        Assert.DoesNotContain("Sumatra Gayo", names);
        var kiambu = page.QuerySelectorAll(".card").Single(c => c.QuerySelector("h2")!.TextContent.Contains("Kiambu AA", StringComparison.Ordinal));
        Assert.Equal("€17.77", kiambu.QuerySelector(".price")!.TextContent.Trim());
        Assert.All(page.QuerySelectorAll("img"), img => Assert.False(string.IsNullOrWhiteSpace(img.GetAttribute("alt"))));
    }

    [Fact]
    public async Task Get_Index_AnonymousVisitsShareACachedPageButACartHolderSeesTheirOwn()
    {
        var first = await Factory.CreateBrowserClient().GetAsync(new Uri(ShopFactory.BaseAddress, "/"));
        var second = await Factory.CreateBrowserClient().GetAsync(new Uri(ShopFactory.BaseAddress, "/"));

        Assert.False(first.Headers.Contains("Set-Cookie"));
        Assert.False(first.Headers.Contains("Age"));
        Assert.True(second.Headers.Contains("Age"), "the second anonymous visit should come from the output cache");

        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 3);
        var own = await shopper.Client.GetDocumentAsync("/");
        Assert.Equal("3", own.QuerySelector(".cart-link .badge")!.TextContent.Trim());
    }

    [Fact]
    public async Task Get_ProductPage_ShowsFactsAndAnAddToCartForm()
    {
        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/Products/huila-el-mirador");

        Assert.Equal("Huila El Mirador", page.QuerySelector("h1")!.TextContent);
        Assert.Contains("Huila, Colombia", page.QuerySelector(".facts")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("€12.50", page.QuerySelector(".product .price")!.TextContent.Trim());
        var form = page.Form("form.add");
        Assert.False(string.IsNullOrEmpty(form.AntiforgeryToken()));
    }

    [Fact]
    public async Task Get_ProductPage_OutOfStock_OffersNoAddForm()
    {
        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/Products/decaf-sierra");

        Assert.Null(page.QuerySelector("form.add"));
        Assert.Contains("Out of stock", page.QuerySelector(".product")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Products/no-such-coffee")]
    [InlineData("/Products/..%2F..%2Fetc%2Fpasswd")]
    public async Task Get_ProductPage_UnknownSlug_Returns404Page(string url)
    {
        var response = await Factory.CreateBrowserClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ProductPage_InactiveProduct_Returns404Page()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        var response = await Factory.CreateBrowserClient().GetAsync("/Products/kiambu-aa");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_RunTwice_KeepsOneRowPerProductAndLeavesChangesAlone()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 1999));
        }

        await Fixture.SeedAsync();

        await using var check = Db();
        Assert.Equal(1, await check.Products.CountAsync(p => p.Slug == "kiambu-aa"));
        Assert.Equal(1999, await check.Products.Where(p => p.Slug == "kiambu-aa").Select(p => p.PriceMinor).SingleAsync());
        Assert.Equal(await check.Products.Select(p => p.Slug).Distinct().CountAsync(), await check.Products.CountAsync());
    }
}
