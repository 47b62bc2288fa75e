using System.Text.Json;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Chromium against the shop in Stripe mode: the checkout page runs the shop's own checkout.js and
/// authenticate.js against a stand-in for Stripe.js (<see cref="StripeJsStandIn"/>), and the server
/// talks to the fake Stripe API, so the whole path from the Pay button to the paid order runs.
/// </summary>
public sealed class StripeCheckoutBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser = browser;

    private Task<BrowserSession> OpenAsync(string token) => BrowserSession.OpenAsync(_browser.Browser, _browser.StripeShop(Stripe), token);

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).OrderBy(p => p.Id).ToListAsync();
    }

    /// <summary>Fills the cart through the pages and opens the checkout; Stripe.js must not load before it.</summary>
    private static async Task GoToCheckoutAsync(BrowserSession session)
    {
        var page = session.Page;
        await session.GotoAsync("/");
        await session.AddFromCatalogAsync("Antigua San Miguel", 2);
        Assert.Equal(0, session.StripeJsRequests);
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to checkout" }).ClickAsync();
        await session.WaitForPathAsync("^/Checkout$");
        await Expect(page.Locator("#payment-element[data-mounted=payment]")).ToBeAttachedAsync();
        Assert.Equal(1, session.StripeJsRequests);
        Assert.Equal(0, await page.Locator(".banner").CountAsync());
        await page.GetByLabel("Email for your receipt").FillAsync("grace@example.com");
        await session.FillAddressAsync();
    }

    private static async Task<JsonElement[]> StripeCallsAsync(IPage page) =>
        JsonSerializer.Deserialize<JsonElement[]>(await page.EvaluateAsync<string>("() => JSON.stringify(window.__stripeCalls || [])"))!;

    [Fact]
    public async Task Browser_StripeCheckout_DoubleClickOnPay_PaysOnceWithTheConfirmationToken()
    {
        await using var session = await OpenAsync(ConfirmationTokens.Visa);
        var page = session.Page;
        await GoToCheckoutAsync(session);
        var calls = await StripeCallsAsync(page);
        Assert.Equal(FakeStripeApi.PublishableKey, calls[0].GetProperty("publishableKey").GetString());
        var elements = calls.Single(c => c.GetProperty("call").GetString() == "elements").GetProperty("options");
        Assert.Equal("payment", elements.GetProperty("mode").GetString());
        // €27.80 of coffee and €4.90 shipping to Germany.
        Assert.Equal(3270, elements.GetProperty("amount").GetInt64());
        Assert.Equal("eur", elements.GetProperty("currency").GetString());
        Assert.Equal("manual", elements.GetProperty("paymentMethodCreation").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" }).DblClickAsync();

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€32.70");
        await Expect(page.Locator(".meta").Filter(new() { HasText = "ending in" })).ToContainTextAsync("4242");
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        var intent = Assert.Single(Stripe.PaymentIntents);
        Assert.Equal(intent.Id, record.PaymentIntentId);
        Assert.Equal(3270, intent.Amount);
        Assert.Single(Stripe.Requests, r => r.Method == "POST" && r.Path == "/v1/payment_intents");
        await using var db = Db();
        Assert.Equal(1, await db.Orders.CountAsync());
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_StripeCheckout_ChangingTheCountry_ShowsItsShippingUpdatesThePaymentElementAndChargesThat()
    {
        await using var session = await OpenAsync(ConfirmationTokens.Visa);
        var page = session.Page;
        await GoToCheckoutAsync(session);

        await session.FillAddressAsync(new DeliveryAddress("Sanne de Vries", "Prinsengracht 263", null, "1016 GV", "Amsterdam", "NL"));

        // €27.80 of coffee and €9.90 to the European Union zone; the Payment Element learns the new amount.
        await Expect(page.Locator("#order-shipping")).ToHaveTextAsync("€9.90");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€37.70");
        await Expect(page.Locator("#checkout-form")).ToHaveAttributeAsync("data-amount", "3770");
        var update = (await StripeCallsAsync(page)).Last(c => c.GetProperty("call").GetString() == "update");
        Assert.Equal(3770, update.GetProperty("options").GetProperty("amount").GetInt64());

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €37.70" }).ClickAsync();

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€37.70");
        await Expect(page.Locator("#ship-to")).ToContainTextAsync("1016 GV Amsterdam");
        Assert.Equal(3770, Assert.Single(Stripe.PaymentIntents).Amount);
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_StripeCheckout_ThreeDSecure_HandleNextActionThenTheReturnPagePays()
    {
        await using var session = await OpenAsync(ConfirmationTokens.ThreeDSecure2Required);
        var page = session.Page;
        await GoToCheckoutAsync(session);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" }).ClickAsync();

        // The shop asks Stripe.js to run the bank's step with the PaymentIntent's client secret.
        await session.WaitForPathAsync("^/Checkout/Authenticate");
        await page.WaitForFunctionAsync("() => typeof window.__finishNextAction === 'function'");
        var secret = await page.EvaluateAsync<string>("() => window.__nextActionClientSecret");
        var intent = Assert.Single(Stripe.PaymentIntents);
        Assert.Equal(intent.ClientSecret, secret);
        Assert.Equal("requires_action", intent.Status);
        Assert.Equal(PaymentStatus.RequiresAction, Assert.Single(await RecordsAsync()).Status);

        // The customer passes the bank's check; Stripe.js resolves and the page goes to the return page.
        Stripe.CompleteAuthentication(intent.Id, succeed: true);
        await page.EvaluateAsync("() => window.__finishNextAction('succeeded')");

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        await Expect(page.Locator("#order-total")).ToHaveTextAsync("€32.70");
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal(OrderStatus.Paid, record.Order!.Status);
        Assert.Contains(Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/payment_intents/{intent.Id}");
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_StripeCheckout_Declined_ShowsTheReasonAndKeepsTheCart()
    {
        await using var session = await OpenAsync(ConfirmationTokens.Declined);
        var page = session.Page;
        session.Allow("POST", "/Checkout", 400);
        await GoToCheckoutAsync(session);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" }).ClickAsync();

        await Expect(page.Locator("#payment-errors")).ToContainTextAsync("declined");
        Assert.Equal("/Checkout", session.Path);
        await Expect(page.Locator("#payment-element[data-mounted=payment]")).ToBeAttachedAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" })).ToBeEnabledAsync();
        await Expect(page.Locator(".cart-link .badge")).ToHaveTextAsync("2");
        Assert.Equal(PaymentStatus.Failed, Assert.Single(await RecordsAsync()).Status);
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_StripeCheckout_RedirectToTheBank_ReturnsToAPaidOrder()
    {
        await using var session = await OpenAsync(ConfirmationTokens.AuthenticationRequiredRedirect);
        var page = session.Page;
        await GoToCheckoutAsync(session);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" }).ClickAsync();

        // The checkout answers with a redirect to the bank's page (the fake's, on the Stripe stand-in's origin).
        await page.WaitForURLAsync(url => url.StartsWith($"{Stripe.BaseAddress}3ds/", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();

        await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
        await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal(OrderStatus.Paid, record.Order!.Status);
        await session.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Browser_StripeCheckout_StripeJsRefusesTheCard_ShowsItsMessageAndPostsNothing()
    {
        await using var session = await OpenAsync("error:Your card number is incomplete.");
        var page = session.Page;
        await GoToCheckoutAsync(session);
        var errors = page.Locator("#payment-errors");
        await Expect(errors).ToBeHiddenAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" }).ClickAsync();

        await Expect(errors).ToBeVisibleAsync();
        await Expect(errors).ToHaveTextAsync("Your card number is incomplete.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay €32.70" })).ToBeEnabledAsync();
        Assert.Equal("/Checkout", session.Path);
        await using var db = Db();
        Assert.Equal(0, await db.Orders.CountAsync());
        Assert.Empty(Stripe.PaymentIntents);
        await session.AssertNoProblemsAsync();
    }
}
