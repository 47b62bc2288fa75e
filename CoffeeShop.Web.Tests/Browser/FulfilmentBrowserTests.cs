using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// From paid to delivered in Chromium: a customer pays with an address, an admin packs the order from
/// the desk, prints its slip and ships it with a tracking number, and the customer's order page shows
/// the tracking link and prints its invoice.
/// </summary>
public sealed class FulfilmentBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private const string AdminEmail = "packer@coffeeshop.test";
    private const string Tracking = "JD014600006281234";

    private readonly BrowserFixture _browser = browser;

    private BrowserShop Shop => _browser.SimulatedShop();

    [Fact]
    public async Task Browser_CustomerPaysWithAnAddress_AdminPacksAndShips_CustomerSeesTrackingAndPrintsTheInvoice()
    {
        await AdminSession.CreateUserAsync(Shop.Factory, AdminEmail, admin: true);
        await using var customer = await BrowserSession.OpenAsync(_browser.Browser, Shop);
        var page = customer.Page;

        // The customer pays for two bags, to Amsterdam: €33.80 and €9.90 shipping to the EU zone.
        await customer.GotoAsync("/");
        await customer.AddFromCatalogAsync("Kiambu AA", 2);
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to checkout" }).ClickAsync();
        await customer.WaitForPathAsync("^/Checkout$");
        await page.GetByLabel("Email for your receipt").FillAsync("grace@example.com");
        await customer.FillAddressAsync(new DeliveryAddress("Grace Åberg", "Prinsengracht 263", null, "1016 gv", "Amsterdam", "NL"));
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€43.70");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Payment succeeds" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €43.70" }).ClickAsync();
        await customer.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        var orderPage = customer.Path;
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        await Expect(page.Locator("#fulfilment-state")).ToHaveAttributeAsync("data-status", "topack");
        await Expect(page.Locator("#ship-to")).ToContainTextAsync("1016 GV Amsterdam");

        Order order;
        await using (var db = Db())
        {
            order = await db.Orders.SingleAsync(o => o.Email == "grace@example.com");
        }

        Assert.Equal(4370, order.TotalMinor);
        Assert.Equal(990, order.ShippingMinor);
        Assert.Equal(4370, Assert.Single(await PaymentAmountsAsync(order.Id)));

        // The admin signs in and lands on the desk, where the order waits to be packed.
        await using var admin = await BrowserSession.OpenAsync(_browser.Browser, Shop);
        var desk = admin.Page;
        await admin.GotoAsync("/Admin");
        await admin.WaitForPathAsync("^/Identity/Account/Login");
        await admin.SignInAsync(AdminEmail);
        await admin.WaitForPathAsync("^/Admin$");
        await desk.Locator("#view-ToPack").ClickAsync();
        var row = desk.Locator($"table.orders tbody tr[data-id='{order.Id}']");
        await Expect(row).ToContainTextAsync("Grace Åberg");
        await Expect(desk.Locator("#view-ToPack .count")).ToHaveTextAsync("1");
        await Screenshots.SaveAsync(desk, "admin-orders");

        // Pack it, print its slip, ship it with DHL.
        await row.GetByRole(AriaRole.Link, new() { Name = order.Reference }).ClickAsync();
        await admin.WaitForPathAsync($"^/Admin/Orders/{order.Id}$");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Mark packed" }).ClickAsync();
        await Expect(desk.Locator("#fulfilment-status")).ToHaveTextAsync("Packed");
        await desk.Locator("#packing-slip").ClickAsync();
        await admin.WaitForPathAsync($"^/Admin/Orders/{order.Id}/PackingSlip$");
        await Expect(desk.Locator(".packing-slip")).ToContainTextAsync("Prinsengracht 263");
        await Expect(desk.Locator(".packing-slip")).ToContainTextAsync("Kiambu AA");
        await desk.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Expect(desk.Locator(".admin-nav")).ToBeHiddenAsync();
        await Screenshots.SaveAsync(desk, "packing-slip");
        await desk.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });
        await desk.GoBackAsync();
        await admin.WaitForPathAsync($"^/Admin/Orders/{order.Id}$");
        await desk.GetByLabel("Carrier").SelectOptionAsync("DHL");
        await desk.GetByLabel("Tracking number").FillAsync(Tracking);
        await desk.GetByRole(AriaRole.Button, new() { Name = "Mark shipped" }).ClickAsync();
        await Expect(desk.Locator("#fulfilment-status")).ToHaveTextAsync("Shipped");
        await Expect(desk.Locator("#timeline")).ToContainTextAsync(AdminEmail);
        await Screenshots.SaveAsync(desk, "admin-order");

        // The customer's order page shows the parcel on its way, with the carrier's tracking link.
        await customer.GotoAsync(orderPage);
        await Expect(page.Locator("#fulfilment-state")).ToHaveAttributeAsync("data-status", "shipped");
        await Expect(page.Locator("#tracking-link")).ToHaveTextAsync(Tracking);
        await Expect(page.Locator("#tracking-link")).ToHaveAttributeAsync("href", $"https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?tracking-id={Tracking}");

        // And its invoice, as it prints: the shop around it hidden, the figures adding up to the charge.
        await page.Locator("#invoice-link").ClickAsync();
        await customer.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}/Invoice$");
        await Expect(page.Locator("#invoice-number")).ToHaveTextAsync("INV-000001");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€43.70");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Expect(page.Locator(".site-header")).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, "invoice");

        await customer.AssertNoProblemsAsync();
        await admin.AssertNoProblemsAsync();
        await using var check = Db();
        var shipped = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(FulfilmentStatus.Shipped, shipped.Fulfilment);
        Assert.Equal(("DHL", Tracking), (shipped.Carrier, shipped.TrackingNumber));
    }

    private async Task<List<long>> PaymentAmountsAsync(long orderId)
    {
        await using var db = Db();
        return await db.PaymentRecords.Where(p => p.OrderId == orderId && p.Status == PaymentStatus.Succeeded).Select(p => p.AmountMinor).ToListAsync();
    }
}
