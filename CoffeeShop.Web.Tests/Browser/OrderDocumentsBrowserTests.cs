using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Pages.Orders;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>The invoice and the credit note in Chromium: on a phone-sized screen, and printed on A4 without the shop around them.</summary>
public sealed class OrderDocumentsBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser = browser;

    private async Task<Order> InvoicedOrderAsync()
    {
        await using var db = Db();
        return await InvoicedOrderSeed.AddAsync(db, DateTimeOffset.UtcNow.AddDays(-2),
            [(1690, 700), (1690, 700), (3200, 700)], (490, 1900), (1000, DateTimeOffset.UtcNow.AddDays(-1)));
    }

    [Theory]
    [InlineData("Invoice")]
    [InlineData("CreditNotes/1")]
    public async Task Browser_OrderDocument_FitsA360PixelScreenAndPrintsWithoutTheShopAroundIt(string document)
    {
        var order = await InvoicedOrderAsync();
        await using var session = await BrowserSession.OpenAsync(_browser.Browser, _browser.SimulatedShop());
        var page = session.Page;
        await page.SetViewportSizeAsync(360, 740);

        await session.GotoAsync($"/Orders/{order.PublicId}/{document}");

        // Nothing wider than the screen: no sideways scrolling on a phone.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"the page is {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide at 360 px");
        await Expect(page.Locator(".site-header")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, document == "Invoice" ? "invoice-360" : "credit-note-360");

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Expect(page.Locator(".site-footer")).ToBeHiddenAsync();
        await Expect(page.Locator(".print-hint")).ToBeHiddenAsync();
        await Expect(page.Locator("table.vat-table")).ToBeVisibleAsync();
        await Expect(page.Locator("#seller-vat-id")).ToBeVisibleAsync();
        var pdf = await page.PdfAsync(new PagePdfOptions { PreferCSSPageSize = true });
        Assert.True(pdf.Length > 1000);
        await session.AssertNoProblemsAsync();
    }
}
