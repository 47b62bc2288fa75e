using System.Net;
using System.Text.RegularExpressions;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>
/// First visits to a product page share one rendering (FirstVisitPageCacheMiddleware), yet every visitor
/// still gets an antiforgery cookie and token of their own that work only together.
/// </summary>
public partial class ProductPageCacheTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Page = "/Products/kiambu-aa";

    private static int CountIn(ShopFactory factory) => factory.Services.GetRequiredService<FirstVisitPageCacheMiddleware>().Count;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]*\"")]
    private static partial Regex TokenField();

    [Fact]
    public async Task Get_ProductPage_UnderCaseAndTrailingSlashVariantsOfItsRoute_IsOneEntry()
    {
        await Factory.CreateBrowserClient().GetDocumentAsync(Page);
        await SetKiambuPriceAsync(1777);

        var variants = new List<string>();
        foreach (var path in new[] { "/products/kiambu-aa/", "/PRODUCTS/kiambu-aa", "/Products/kiambu-aa/" })
        {
            variants.Add(PriceOn(await Factory.CreateBrowserClient().GetDocumentAsync(path)));
        }

        // Every variant was served the stored rendering (the old price): one page, one slug, one entry.
        Assert.All(variants, price => Assert.Equal("€16.90", price));
        Assert.Equal(1, CountIn(Factory));
        // The slug is looked up as written: another casing is not this page, and is not stored.
        Assert.Equal(HttpStatusCode.NotFound, (await Factory.CreateBrowserClient().GetAsync("/Products/KIAMBU-AA")).StatusCode);
        Assert.Equal(1, CountIn(Factory));
    }

    [Fact]
    public async Task Get_ProductPages_MoreThanTheLimit_KeepsAtMostTheLimitAndServesEveryPage()
    {
        await using var factory = new ShopFactory(Stripe, new Dictionary<string, string?> { ["PageCache:MaxFirstVisitPages"] = "2" });

        foreach (var slug in new[] { "kiambu-aa", "huila-el-mirador", "sumatra-gayo", "cerrado-sunrise" })
        {
            var page = await factory.CreateBrowserClient().GetDocumentAsync($"/Products/{slug}");

            Assert.NotEmpty(page.Form("form.add").AntiforgeryToken());
            Assert.True(CountIn(factory) <= 2, $"{CountIn(factory)} entries after /Products/{slug}");
        }

        // Still a cache: what fits is kept.
        Assert.NotEqual(0, CountIn(factory));
    }

    [Fact]
    public async Task Get_ProductPage_ExpiredEntry_IsNotServedAndIsSweptOut()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new ShopFactory(Stripe, services: s => s.AddSingleton<TimeProvider>(clock));
        await factory.CreateBrowserClient().GetDocumentAsync(Page);
        await SetKiambuPriceAsync(1777);

        clock.Advance(new PageCacheOptions().Lifetime + TimeSpan.FromSeconds(1));
        // Another page's visit: the cache looks for expired entries and drops Kiambu's without anyone asking for it.
        await factory.CreateBrowserClient().GetDocumentAsync("/Products/huila-el-mirador");

        Assert.True(await Waits.UntilAsync(() => CountIn(factory) == 1, TimeSpan.FromSeconds(10)), $"{CountIn(factory)} entries");
        Assert.Equal("€17.77", PriceOn(await factory.CreateBrowserClient().GetDocumentAsync(Page)));
    }

    [Fact]
    public async Task Get_ProductPage_CachedCopy_EqualsAFreshRenderingExceptTheToken()
    {
        await using var uncached = new ShopFactory(Stripe, new Dictionary<string, string?> { ["PageCache:MaxFirstVisitPages"] = "0" });
        await Factory.CreateBrowserClient().GetAsync(Page);
        var cached = await Factory.CreateBrowserClient().GetAsync("/products/kiambu-aa/");
        var fresh = await uncached.CreateBrowserClient().GetAsync(Page);

        Assert.Equal(1, CountIn(Factory));
        Assert.Equal(0, CountIn(uncached));
        var cachedBody = await cached.Content.ReadAsStringAsync();
        var freshBody = await fresh.Content.ReadAsStringAsync();
        Assert.NotEqual(TokenField().Match(cachedBody).Value, TokenField().Match(freshBody).Value);
        Assert.Equal(TokenField().Replace(freshBody, "TOKEN"), TokenField().Replace(cachedBody, "TOKEN"));
        Assert.Equal(fresh.Content.Headers.ContentType, cached.Content.Headers.ContentType);
        Assert.Equal(fresh.Headers.CacheControl, cached.Headers.CacheControl);
        Assert.Contains(cached.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ShopCookies.HostPrefix + ShopCookies.Antiforgery + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_ProductPage_FirstVisitsShareOneRendering_EachWithItsOwnToken()
    {
        var ada = Factory.CreateBrowserClient();
        var grace = Factory.CreateBrowserClient();
        var adaPage = await ada.GetDocumentAsync(Page);
        await SetKiambuPriceAsync(1777);

        var gracePage = await grace.GetDocumentAsync(Page);

        // The second first visit is the stored rendering: the price changed in between and it still shows the old one.
        Assert.Equal("€16.90", PriceOn(adaPage));
        Assert.Equal(PriceOn(adaPage), PriceOn(gracePage));
        Assert.Equal(1, Factory.Services.GetRequiredService<FirstVisitPageCacheMiddleware>().Count);
        Assert.NotEqual(adaPage.Form("form.add").AntiforgeryToken(), gracePage.Form("form.add").AntiforgeryToken());
        Assert.Equal(
            adaPage.DocumentElement.OuterHtml.Replace(adaPage.Form("form.add").AntiforgeryToken(), "", StringComparison.Ordinal),
            gracePage.DocumentElement.OuterHtml.Replace(gracePage.Form("form.add").AntiforgeryToken(), "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_AddToCart_FromTheSharedRendering_WorksWithTheVisitorsOwnCookieOnly()
    {
        var ada = Factory.CreateBrowserClient();
        var grace = Factory.CreateBrowserClient();
        var adaPage = await ada.GetDocumentAsync(Page);
        var gracePage = await grace.GetDocumentAsync(Page);

        // Grace's token with Ada's antiforgery cookie is refused, and nothing is added.
        var crossed = await ada.SubmitAsync(gracePage.Form("form.add"));
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(0, await db.CartItems.CountAsync());
        }

        // Each with their own: both carts get the bean.
        Assert.Equal(HttpStatusCode.SeeOther, (await grace.SubmitAsync(gracePage.Form("form.add"))).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await ada.SubmitAsync(adaPage.Form("form.add"))).StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(2, await db.Carts.CountAsync(c => c.Items.Any()));
        }
    }

    [Fact]
    public async Task Get_ProductPage_WithAnyCookie_IsRenderedFreshAndNeverStored()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("huila-el-mirador");
        await Factory.CreateBrowserClient().GetDocumentAsync(Page);
        await SetKiambuPriceAsync(1777);

        var own = await shopper.Client.GetDocumentAsync(Page);

        Assert.Equal("€17.77", PriceOn(own));
        Assert.Equal("1", own.QuerySelector(".cart-link .badge")!.TextContent.Trim());
        var firstVisit = await Factory.CreateBrowserClient().GetDocumentAsync(Page);
        Assert.Equal("0", firstVisit.QuerySelector(".cart-link .badge")!.TextContent.Trim());
    }

    [Fact]
    public async Task Get_ProductPage_UnknownOrOutOfStockPages_AreNotStoredWithoutAToken()
    {
        var cache = Factory.Services.GetRequiredService<FirstVisitPageCacheMiddleware>();

        Assert.Equal(HttpStatusCode.NotFound, (await Factory.CreateBrowserClient().GetAsync("/Products/no-such-coffee")).StatusCode);
        // Out of stock: no form, so no token to put in; it is rendered each time.
        await Factory.CreateBrowserClient().GetDocumentAsync("/Products/decaf-sierra");

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Get_ProductPage_AfterTheLifetime_FirstVisitorsSeeTheChange()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new ShopFactory(Stripe, services: s => s.AddSingleton<TimeProvider>(clock));
        await factory.CreateBrowserClient().GetDocumentAsync(Page);
        await SetKiambuPriceAsync(1777);

        clock.Advance(new PageCacheOptions().Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal("€16.90", PriceOn(await factory.CreateBrowserClient().GetDocumentAsync(Page)));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("€17.77", PriceOn(await factory.CreateBrowserClient().GetDocumentAsync(Page)));
    }

    private static string PriceOn(AngleSharp.Dom.IDocument page) => page.QuerySelector(".product .price")!.TextContent.Trim();

    private async Task SetKiambuPriceAsync(long priceMinor)
    {
        await using var db = Db();
        await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, priceMinor));
    }
}
