using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Chromium against the shop as <c>scripts/run</c> starts it (Development, simulated payments),
/// served on a real port: a customer buys with the mouse and with the keyboard alone, an admin
/// finds and refunds the payment, and no page logs an error, breaks its CSP or fails a request.
/// </summary>
public sealed class SimulatedCheckoutBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private const string AdminEmail = "barista@coffeeshop.test";

    private readonly BrowserFixture _browser = browser;

    private BrowserShop Shop => _browser.SimulatedShop();

    private Task<BrowserSession> OpenAsync() => BrowserSession.OpenAsync(_browser.Browser, Shop);

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).ThenInclude(o => o!.Lines).OrderBy(p => p.Id).ToListAsync();
    }

    /// <summary>Earlier payments, so the admin list and the dashboard look like a shop that has been open a while.</summary>
    private async Task SeedHistoryAsync()
    {
        await using var db = Db();
        var now = DateTimeOffset.UtcNow;
        await PaymentSeed.AddAsync(db, now.AddDays(-1).AddHours(-2), amount: 3380, email: "mia@example.com", items: "2 × Kiambu AA");
        await PaymentSeed.AddAsync(db, now.AddDays(-2).AddHours(-5), amount: 3200, email: "jonas@example.com", items: "1 × House Espresso Blend");
        await PaymentSeed.AddAsync(db, now.AddDays(-3), PaymentStatus.Failed, 1450, "lea@example.com", items: "1 × Yirgacheffe Kochere");
        await PaymentSeed.AddAsync(db, now.AddDays(-5), PaymentStatus.PartiallyRefunded, 5070, "sam@example.com", refunded: 1690, items: "3 × Kiambu AA");
        await PaymentSeed.AddAsync(db, now.AddDays(-8), amount: 2640, email: "noor@example.com", items: "1 × Huila El Mirador, 1 × Sumatra Gayo");
        await PaymentSeed.AddAsync(db, now.AddDays(-12), amount: 1890, email: "ole@example.com", items: "1 × Cerrado Sunrise");
        await PaymentSeed.AddAsync(db, now.AddDays(-19), amount: 6400, email: "ada@example.com", items: "2 × House Espresso Blend");
    }

    [Fact]
    public async Task Browser_SimulatedCheckout_CustomerPaysAndAdminRefunds()
    {
        await SeedHistoryAsync();
        await AdminSession.CreateUserAsync(Shop.Factory, AdminEmail, admin: true);
        await using var session = await OpenAsync();
        var page = session.Page;

        // Catalog → two coffees → change a quantity.
        await session.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Coffee beans");
        await Expect(page.Locator(".banner")).ToContainTextAsync("Simulated payments");
        await Screenshots.SaveAsync(page, "catalog");
        await session.AddFromCatalogAsync("Kiambu AA", 2);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Beans" }).ClickAsync();
        await session.WaitForPathAsync("^/$");
        await session.AddFromCatalogAsync("House Espresso Blend", 1);
        await page.GetByLabel("Quantity of Kiambu AA").FillAsync("3");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Kiambu AA" }).GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Cart updated.");
        await Expect(page.GetByLabel("Quantity of Kiambu AA")).ToHaveValueAsync("3");
        await Expect(page.Locator("table.cart tfoot .total")).ToHaveTextAsync("€82.70");
        await Expect(page.Locator(".cart-link .badge")).ToHaveTextAsync("4");
        await Screenshots.SaveAsync(page, "cart");

        // Checkout: email, "Payment succeeds", Pay.
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to checkout" }).ClickAsync();
        await session.WaitForPathAsync("^/Checkout$");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€82.70");
        await page.GetByLabel("Email for your receipt").FillAsync("ada@example.com");
        await session.FillAddressAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Payment succeeds" }).CheckAsync();
        await Screenshots.SaveAsync(page, "checkout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €82.70" }).ClickAsync();

        // Confirmation: the items and the total.
        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        var lines = page.Locator("table.order-lines tbody tr");
        await Expect(lines).ToHaveCountAsync(2);
        await Expect(lines.Filter(new() { HasText = "Kiambu AA" })).ToContainTextAsync("3");
        await Expect(lines.Filter(new() { HasText = "Kiambu AA" })).ToContainTextAsync("€50.70");
        await Expect(lines.Filter(new() { HasText = "House Espresso Blend" })).ToContainTextAsync("€32.00");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€82.70");
        await Expect(page.Locator(".cart-link .badge")).ToHaveTextAsync("0");
        await Screenshots.SaveAsync(page, "confirmation");
        var paid = (await RecordsAsync()).Single(r => r.PaymentIntentId!.StartsWith("pi_sim", StringComparison.Ordinal));
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        Assert.Equal(8270, paid.AmountMinor);

        // The admin signs in through the real sign-in page and finds it on top of the list.
        await session.GotoAsync("/Admin/Payments");
        await session.WaitForPathAsync("^/Identity/Account/Login");
        await session.SignInAsync(AdminEmail);
        await session.WaitForPathAsync("^/Admin/Payments$");
        var top = page.Locator("table.payments tbody tr").First;
        await Expect(top).ToHaveAttributeAsync("data-id", paid.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(top.Locator("td.num")).ToHaveTextAsync("€82.70");
        await Expect(top.Locator(".status")).ToHaveTextAsync("Succeeded");
        await Expect(top).ToContainTextAsync("ada@example.com");
        await Expect(page.Locator("table.payments tbody tr")).ToHaveCountAsync(8);
        await Screenshots.SaveAsync(page, "admin-payments");

        // Open it and refund it in full.
        await top.GetByRole(AriaRole.Link).First.ClickAsync();
        await session.WaitForPathAsync($"^/Admin/Payments/{paid.Id}$");
        await Expect(page.Locator("#payment-status")).ToHaveTextAsync("Succeeded");
        await Expect(page.Locator("#payment-amount")).ToHaveTextAsync("€82.70");
        await Expect(page.GetByLabel("Amount")).ToHaveValueAsync("82.70");
        await page.GetByLabel("Reason").SelectOptionAsync("requested_by_customer");
        await page.Locator("#refund-form").GetByRole(AriaRole.Button, new() { Name = "Refund" }).ClickAsync();
        await session.WaitForPathAsync($"^/Admin/Payments/{paid.Id}$");
        await Expect(page.Locator("#payment-status")).ToHaveTextAsync("Refunded");
        await Expect(page.Locator("#payment-refunded")).ToHaveTextAsync("€82.70");
        await Expect(page.Locator("table.refunds tbody tr")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "admin-payment-detail");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await session.WaitForPathAsync("^/Admin/Dashboard$");
        await Expect(page.Locator("svg.chart rect.bar")).ToHaveCountAsync(30);
        await Screenshots.SaveAsync(page, "admin-dashboard");

        Assert.Equal(PaymentStatus.Refunded, (await RecordsAsync()).Single(r => r.Id == paid.Id).Status);
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_SimulatedDecline_ShowsTheReasonKeepsTheCartThenPays()
    {
        await using var session = await OpenAsync();
        var page = session.Page;
        session.Allow("POST", "/Checkout", 400);
        await session.GotoAsync("/Products/sumatra-gayo");
        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await session.WaitForPathAsync("^/Cart$");
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to checkout" }).ClickAsync();
        await session.WaitForPathAsync("^/Checkout$");

        await page.GetByLabel("Email for your receipt").FillAsync("lea@example.com");
        await session.FillAddressAsync();
        // €27.00 of coffee and €4.90 shipping to Germany.
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€31.90");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Insufficient funds" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €31.90" }).ClickAsync();

        await Expect(page.Locator("#payment-errors")).ToContainTextAsync("insufficient funds");
        Assert.Equal("/Checkout", session.Path);
        await Expect(page.Locator(".cart-link .badge")).ToHaveTextAsync("2");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€31.90");
        await Expect(page.GetByLabel("Email for your receipt")).ToHaveValueAsync("lea@example.com");
        await Expect(page.GetByLabel("Street and house number", new() { Exact = true })).ToHaveValueAsync(DeliveryAddress.Berlin.Line1);
        var declined = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Failed, declined.Status);
        Assert.Equal("insufficient_funds", declined.FailureCode);

        await page.GetByRole(AriaRole.Radio, new() { Name = "Payment succeeds" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €31.90" }).ClickAsync();

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€31.90");
        Assert.Equal([PaymentStatus.Failed, PaymentStatus.Succeeded], (await RecordsAsync()).Select(r => r.Status));
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_DoubleClickOnPay_MakesOneOrderAndOnePayment()
    {
        await using var session = await OpenAsync();
        var page = session.Page;
        await session.GotoAsync("/Products/house-espresso");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await session.WaitForPathAsync("^/Cart$");
        await session.GotoAsync("/Checkout");
        await page.GetByLabel("Email for your receipt").FillAsync("quick@example.com");
        await session.FillAddressAsync();

        // €32.00 of coffee and €4.90 shipping to Germany.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €36.90" }).DblClickAsync();

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        await using var db = Db();
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_KeyboardOnly_CompletesTheCheckoutFromTheCart()
    {
        await using var session = await OpenAsync();
        var page = session.Page;
        await session.GotoAsync("/Products/kiambu-aa");
        await page.TabToAsync("#qty");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2");
        await page.Keyboard.PressAsync("Enter");
        await session.WaitForPathAsync("^/Cart$");

        // The cart page: the first Tab offers the skip link, then on to the checkout link.
        await page.Keyboard.PressAsync("Tab");
        Assert.Contains("Skip to content", await page.FocusedAsync(), StringComparison.Ordinal);
        await page.TabToAsync("a[href='/Checkout']");
        await page.Keyboard.PressAsync("Enter");
        await session.WaitForPathAsync("^/Checkout$");

        await page.TabToAsync("#Input_Email");
        await page.Keyboard.TypeAsync("keys@example.com");
        var address = DeliveryAddress.Berlin;
        foreach (var (field, text) in new[] { ("#Input_Name", address.Name), ("#Input_Line1", address.Line1), ("#Input_PostalCode", address.PostalCode), ("#Input_City", address.City) })
        {
            await page.TabToAsync(field);
            await page.Keyboard.TypeAsync(text);
        }

        // Into the scenario group: focus lands on the chosen radio; arrows move the choice, Space keeps it.
        await page.TabToAsync("input[type=radio][name='Input.ConfirmationToken']");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Card declined" })).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Payment succeeds" })).ToBeCheckedAsync();
        await page.TabToAsync("#pay-button");
        await page.Keyboard.PressAsync("Space");

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        // €33.80 of coffee and €4.90 shipping to Germany, the country the form starts with.
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€38.70");
        Assert.Equal("keys@example.com", Assert.Single(await RecordsAsync()).CustomerEmail);
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_EveryControl_HasAnAccessibleName()
    {
        Order invoiced;
        await using (var db = Db())
        {
            invoiced = await CoffeeShop.Web.Tests.Pages.Orders.InvoicedOrderSeed.AddAsync(db, DateTimeOffset.UtcNow.AddHours(-2),
                [(1690, 700)], (490, 700), (500, DateTimeOffset.UtcNow.AddHours(-1)));
            await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddHours(-1));
            // The newest, so the payment page opened below offers its refund and mark-resolved forms, and the dashboard lists it.
            var duplicate = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddMinutes(-30), PaymentStatus.NeedsAttention);
            duplicate.AttentionReason = $"{AttentionReasons.DuplicatePayment}: the order was already paid";
            await db.SaveChangesAsync();
        }

        await AdminSession.CreateUserAsync(Shop.Factory, AdminEmail, admin: true);
        await using var session = await OpenAsync();
        var page = session.Page;
        var checkedControls = new Dictionary<string, int>();

        async Task CheckAsync(string name) => checkedControls[name] = await AccessibleNames.AssertAllNamedAsync(page);

        await session.GotoAsync("/");
        await CheckAsync("catalog");
        await session.GotoAsync("/Products/kiambu-aa");
        await CheckAsync("product");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await session.WaitForPathAsync("^/Cart$");
        await CheckAsync("cart");
        await session.GotoAsync("/Checkout");
        await CheckAsync("checkout");
        await session.GotoAsync($"/Orders/{invoiced.PublicId}/Invoice");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeVisibleAsync();
        await CheckAsync("invoice");
        await session.GotoAsync($"/Orders/{invoiced.PublicId}/CreditNotes/1");
        await CheckAsync("credit note");
        await session.GotoAsync("/Admin/Payments");
        await CheckAsync("sign-in");
        await session.SignInAsync(AdminEmail);
        await session.WaitForPathAsync("^/Admin/Payments$");
        await CheckAsync("admin payments");
        await page.Locator("table.payments tbody tr").First.GetByRole(AriaRole.Link).First.ClickAsync();
        await session.WaitForPathAsync("^/Admin/Payments/[0-9]+$");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "What was done" })).ToBeVisibleAsync();
        await CheckAsync("admin payment");
        await session.GotoAsync("/Admin/Dashboard");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Refund €25.00 to buyer@example.com") })).ToBeVisibleAsync();
        await CheckAsync("dashboard");
        await session.GotoAsync("/Admin");
        await CheckAsync("orders desk");
        await page.Locator("table.orders tbody tr").First.GetByRole(AriaRole.Link).First.ClickAsync();
        await session.WaitForPathAsync("^/Admin/Orders/[0-9]+$");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark packed" })).ToBeVisibleAsync();
        await CheckAsync("order detail");

        // Each page was really checked: the forms' controls are all there.
        Assert.True(checkedControls["checkout"] >= 10, $"checkout: {checkedControls["checkout"]} controls");
        Assert.True(checkedControls["admin payments"] >= 15, $"admin payments: {checkedControls["admin payments"]} controls");
        Assert.True(checkedControls["order detail"] >= 5, $"order detail: {checkedControls["order detail"]} controls");
        await session.AssertNoProblemsAsync();
    }
}
