using System.Net;
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
public class ProductPageCacheTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Page = "/Products/kiambu-aa";

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
