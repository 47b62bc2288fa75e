using System.Net;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Security;

public class RateLimitTests(ShopFixture fixture) : ShopTest(fixture)
{
    private ShopFactory Limited() => new(Stripe, new Dictionary<string, string?>
    {
        ["RateLimits:CheckoutPostsPerMinute"] = "2",
        ["RateLimits:SignInPostsPerMinute"] = "2",
        ["RateLimits:RefundPostsPerMinute"] = "2",
    });

    private static void AssertTooManyRequests(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task Post_Checkout_ThirdInAMinute_Is429WithRetryAfterAndAFriendlyPage()
    {
        await using var shop = Limited();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var page = await shopper.CheckoutPageAsync();

        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        var third = await shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);

        AssertTooManyRequests(third);
        Assert.Contains("Too many requests", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, Stripe.Requests.Count(r => r.Path == "/v1/payment_intents"));
    }

    [Fact]
    public async Task Post_SignIn_ThirdInAMinute_Is429()
    {
        await using var shop = Limited();
        var client = shop.CreateBrowserClient();

        await AdminSession.SubmitSignInAsync(client, "nobody@example.com", "wrong-password-000");
        await AdminSession.SubmitSignInAsync(client, "nobody@example.com", "wrong-password-000");
        var third = await AdminSession.SubmitSignInAsync(client, "nobody@example.com", "wrong-password-000");

        AssertTooManyRequests(third);
    }

    [Fact]
    public async Task Post_Refund_ThirdInAMinute_Is429()
    {
        await using var shop = Limited();
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 3);
        await shopper.PayAsync("ctoken_pm_card_visa");
        var admin = await AdminSession.SignInAsync(shop);
        long id;
        await using (var db = Db())
        {
            id = db.PaymentRecords.Single().Id;
        }

        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++)
        {
            var details = await admin.GetDocumentAsync($"/Admin/Payments/{id}");
            last = await admin.SubmitAsync(details.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Amount"] = "1.00" });
        }

        AssertTooManyRequests(last);
        Assert.Equal(2, Stripe.Refunds.Count);
    }

    [Fact]
    public async Task Get_Return_FourthInAMinuteFromOneClientOnAnyRoute_Is429AndOtherClientsAreNotAffected()
    {
        // Behind a load balancer: X-Forwarded-For tells clients apart (README).
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true",
            ["RateLimits:PaymentStatusChecksPerMinute"] = "3",
        });
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        await shopper.PayAsync("ctoken_pm_card_visa");
        string order;
        await using (var db = Db())
        {
            order = db.Orders.Single().PublicId;
        }

        HttpClient From(string address)
        {
            var client = shop.CreateBrowserClient();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            return client;
        }

        var one = From("203.0.113.7");
        var answers = new List<HttpStatusCode>();
        foreach (var path in new[] { "/Checkout/Return", "/Checkout/Return/", "/checkout/return" })
        {
            answers.Add((await one.GetAsync($"{path}?order={order}")).StatusCode);
        }

        var fourth = await one.GetAsync($"/CHECKOUT/RETURN?order={order}");
        var authenticate = await one.GetAsync($"/Checkout/Authenticate?order={order}");
        var other = await From("198.51.100.9").GetAsync($"/Checkout/Return?order={order}");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.SeeOther, a));
        AssertTooManyRequests(fourth);
        AssertTooManyRequests(authenticate);
        Assert.Equal(HttpStatusCode.SeeOther, other.StatusCode);
        Assert.DoesNotContain(Stripe.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task Post_Webhook_IsNeverRateLimited()
    {
        await using var shop = Limited();
        var client = shop.CreateBrowserClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add((await client.DeliverAsync(Stripe.SignedEvent("customer.created", "{\"id\":\"cus_1\",\"object\":\"customer\"}"))).StatusCode);
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
    }
}
