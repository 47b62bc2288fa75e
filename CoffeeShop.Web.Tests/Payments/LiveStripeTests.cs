using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using ConfirmationTokenCreateOptions = Stripe.TestHelpers.ConfirmationTokenCreateOptions;
using ConfirmationTokenService = Stripe.TestHelpers.ConfirmationTokenService;
using StripeClient = Stripe.StripeClient;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>Runs only when STRIPE_TEST_SECRET_KEY is set; reported as skipped otherwise.</summary>
public sealed class LiveStripeFactAttribute : FactAttribute
{
    public LiveStripeFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(LiveStripeTests.SecretKey))
        {
            Skip = "Live Stripe test mode: set STRIPE_TEST_SECRET_KEY (sk_test_…) and STRIPE_TEST_PUBLISHABLE_KEY to run.";
        }
    }
}

/// <summary>
/// The same checkout against Stripe's real test mode: ConfirmationTokens are made with Stripe's test
/// helper, as Stripe.js would make them, and the shop pays with them through its normal form.
/// </summary>
public class LiveStripeTests(ShopFixture fixture) : ShopTest(fixture)
{
    public static string? SecretKey => Environment.GetEnvironmentVariable("STRIPE_TEST_SECRET_KEY");

    private static string PublishableKey => Environment.GetEnvironmentVariable("STRIPE_TEST_PUBLISHABLE_KEY") ?? "pk_test_unused_by_server";

    private ShopFactory LiveShop() => new(settings: new Dictionary<string, string?>
    {
        ["Stripe:SecretKey"] = SecretKey,
        ["Stripe:PublishableKey"] = PublishableKey,
        ["Stripe:ApiBase"] = "",
        ["Stripe:TimeoutSeconds"] = "80",
    });

    private static async Task<string> ConfirmationTokenAsync(string paymentMethod)
    {
        var tokens = new ConfirmationTokenService(new StripeClient(SecretKey));
        var token = await tokens.CreateAsync(new ConfirmationTokenCreateOptions { PaymentMethod = paymentMethod, ReturnUrl = "https://localhost/Checkout/Return" });
        return token.Id;
    }

    [LiveStripeFact]
    public async Task Live_Checkout_TestVisa_Succeeds()
    {
        await using var shop = LiveShop();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);

        var response = await shopper.PayAsync(await ConfirmationTokenAsync("pm_card_visa"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        var record = await db.PaymentRecords.SingleAsync();
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.StartsWith("pi_", record.PaymentIntentId, StringComparison.Ordinal);
        Assert.Equal("4242", record.CardLast4);
    }

    [LiveStripeFact]
    public async Task Live_Checkout_InsufficientFunds_IsDeclinedWithItsCode()
    {
        await using var shop = LiveShop();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);

        var response = await shopper.PayAsync(await ConfirmationTokenAsync("pm_card_visa_chargeDeclinedInsufficientFunds"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = Db();
        var record = await db.PaymentRecords.SingleAsync();
        Assert.Equal(PaymentStatus.Failed, record.Status);
        Assert.Equal("insufficient_funds", record.FailureCode);
    }
}
