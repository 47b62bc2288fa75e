using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages;

/// <summary>Development without Stripe keys: the shop runs on simulated payments and says so on every page.</summary>
public sealed class SimulatedCheckoutTests(ShopFixture fixture, SimulatedShopFactory development) : ShopTest(fixture), IClassFixture<SimulatedShopFactory>
{
    private readonly SimulatedShopFactory _development = development;

    private async Task<Shopper> ShopperWithCartAsync()
    {
        var shopper = new Shopper(_development.CreateBrowserClient());
        await shopper.AddToCartAsync("house-espresso", 1);
        return shopper;
    }

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).OrderBy(p => p.Id).ToListAsync();
    }

    [Fact]
    public async Task Get_AnyPage_ShowsTheSimulatedPaymentsBanner()
    {
        var client = _development.CreateBrowserClient();

        foreach (var url in new[] { "/", "/Products/kiambu-aa", "/Cart" })
        {
            Assert.Contains("Simulated payments", (await client.GetDocumentAsync(url)).QuerySelector(".banner")!.TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_Checkout_OffersTestScenariosAndNoStripeJs()
    {
        var page = await (await ShopperWithCartAsync()).CheckoutPageAsync();

        var scenarios = page.QuerySelectorAll("input[name='Input.ConfirmationToken'][type=radio]").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal(7, scenarios.Count);
        Assert.Contains("ctoken_pm_card_visa_chargeDeclinedInsufficientFunds", scenarios);
        Assert.Contains("4000 0000 0000 9995", page.QuerySelector(".scenarios")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("script[src*='js.stripe.com']"));
    }

    [Fact]
    public async Task Post_Checkout_SimulatedDeclineThenSuccess_EndsWithAPaidOrder()
    {
        var shopper = await ShopperWithCartAsync();

        var declined = await shopper.PayAsync("ctoken_pm_card_chargeDeclinedExpiredCard");
        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        var page = await HtmlForms.ParseAsync(declined);
        Assert.Contains("expired", page.QuerySelector("#payment-errors")!.TextContent, StringComparison.Ordinal);

        var paid = await shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);

        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal([PaymentStatus.Failed, PaymentStatus.Succeeded], (await RecordsAsync()).Select(r => r.Status));
        var order = await shopper.FollowAsync(paid);
        Assert.Equal("paid", order.QuerySelector("#payment-state")!.GetAttribute("data-status"));
        // €32.00 of coffee and €4.90 shipping to Germany.
        Assert.Equal("€36.90", order.QuerySelector("#order-total")!.TextContent);
    }

    [Fact]
    public async Task Post_Checkout_SimulatedAuthentication_CompletesThroughTheReturnPage()
    {
        var shopper = await ShopperWithCartAsync();

        var response = await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        var bank = await shopper.FollowAsync(response);
        var approved = await shopper.Client.SubmitAsync(bank.Form("form"), new Dictionary<string, string?> { ["approve"] = "true" });
        var settled = await shopper.Client.GetAsync(approved.Headers.Location!.OriginalString);

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal($"/Orders/{record.Order!.PublicId}", settled.Headers.Location!.OriginalString);
    }
}

/// <summary>The shop as `scripts/run` starts it without keys: Development, simulated payments.</summary>
public sealed class SimulatedShopFactory() : ShopFactory(settings: new Dictionary<string, string?>
{
    ["Stripe:SecretKey"] = "",
    ["Stripe:PublishableKey"] = "",
    ["Stripe:WebhookSecret"] = "",
}, environment: "Development");
