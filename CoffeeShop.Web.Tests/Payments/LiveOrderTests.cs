using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Shopping;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// One live order per cart, and no PaymentIntent left open behind an order: the checkout as customers
/// create concurrency — two tabs, twenty forms, a 3-D Secure step left open while the cart changes —
/// with the fake Stripe answering slowly, as Stripe does under load.
/// </summary>
public class LiveOrderTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Visa = "ctoken_pm_card_visa";
    private const string ThreeDSecure = "ctoken_pm_card_authenticationRequired_redirect";

    private ShopFactory ManyFormsAllowed() =>
        new(Stripe, new Dictionary<string, string?> { ["RateLimits:CheckoutPostsPerMinute"] = "1000" });

    private static async Task<Shopper> ShopperWithCartAsync(ShopFactory factory)
    {
        var shopper = new Shopper(factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        return shopper;
    }

    private int PaymentIntentCreates() => Stripe.Requests.Count(r => r.Method == "POST" && r.Path == "/v1/payment_intents");

    private async Task<List<Order>> OrdersAsync()
    {
        await using var db = Db();
        return await db.Orders.OrderBy(o => o.Id).ToListAsync();
    }

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.OrderBy(p => p.Id).ToListAsync();
    }

    private async Task<Dictionary<int, int>> CartQuantitiesAsync()
    {
        await using var db = Db();
        return await db.CartItems.ToDictionaryAsync(i => i.ProductId, i => i.Quantity);
    }

    private async Task<int> ProductIdAsync(string slug)
    {
        await using var db = Db();
        return await db.Products.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
    }

    [Fact]
    public async Task Post_Checkout_TwoTabsPaidAtOnce_OnePaymentIntentOneOrderPaid()
    {
        await using var factory = ManyFormsAllowed();
        var shopper = await ShopperWithCartAsync(factory);
        var tabA = await shopper.CheckoutPageAsync();
        var tabB = await shopper.CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromMilliseconds(1500);

        var responses = await Task.WhenAll(shopper.PayAsync(Visa, checkoutPage: tabA), shopper.PayAsync(Visa, checkoutPage: tabB));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Equal(1, PaymentIntentCreates());
        var order = Assert.Single(await OrdersAsync());
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.All(responses, r => Assert.Equal($"/Orders/{order.PublicId}", r.Headers.Location!.OriginalString));
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
    }

    [Fact]
    public async Task Post_Checkout_TwoTabsWithTwoAddressesPaidAtOnce_OnePaymentIntentForTheTotalOfTheAddressTheOrderKeeps()
    {
        await using var factory = ManyFormsAllowed();
        var shopper = await ShopperWithCartAsync(factory);
        var berlinTab = await shopper.CheckoutPageAsync();
        var amsterdamTab = await shopper.CheckoutPageAsync();
        var amsterdam = new DeliveryAddress("Sanne de Vries", "Prinsengracht 263", null, "1016 GV", "Amsterdam", "NL");
        Stripe.Latency = TimeSpan.FromMilliseconds(1500);

        var responses = await Task.WhenAll(
            shopper.PayAsync(Visa, checkoutPage: berlinTab, address: DeliveryAddress.Berlin),
            shopper.PayAsync(Visa, checkoutPage: amsterdamTab, address: amsterdam));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Equal(1, PaymentIntentCreates());
        var order = Assert.Single(await OrdersAsync());
        Assert.Equal(OrderStatus.Paid, order.Status);
        // Whichever tab won, the order, its one attempt and the one charge agree on where it goes and what it costs.
        var shipping = order.ShipCountry == "NL" ? 990 : 490;
        Assert.Equal(order.SubtotalMinor + shipping, order.TotalMinor);
        Assert.Equal(order.TotalMinor, Assert.Single(await RecordsAsync()).AmountMinor);
        var charged = Assert.Single(Stripe.PaymentIntents);
        Assert.Equal((order.TotalMinor, order.ShipCountry), (charged.Amount, charged.Shipping!.Country));
    }

    [Fact]
    public async Task Post_Checkout_TwentyFormsOfOneCartAtOnce_StartOnePaymentIntent()
    {
        await using var factory = ManyFormsAllowed();
        var shopper = await ShopperWithCartAsync(factory);
        var forms = new List<AngleSharp.Dom.IDocument>();
        for (var i = 0; i < 20; i++)
        {
            forms.Add(await shopper.CheckoutPageAsync());
        }

        Stripe.Latency = TimeSpan.FromMilliseconds(300);

        var responses = await Task.WhenAll(forms.Select(form => shopper.PayAsync(Visa, checkoutPage: form)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.BadRequest, $"{r.StatusCode}"));
        // Said in full when it fails: a second create under the same key would be Stripe.net's network retry, under another key a second attempt.
        var creates = Stripe.Requests.Where(r => r.Method == "POST" && r.Path == "/v1/payment_intents").ToList();
        Assert.True(creates.Count == 1, $"{creates.Count} creates: " + string.Join("; ", creates.Select(r => $"key {r.IdempotencyKey} answered {r.ResponseStatus}")));
        Assert.Single(Stripe.PaymentIntents);
        var paid = Assert.Single(await OrdersAsync(), o => o.Status == OrderStatus.Paid);
        Assert.DoesNotContain(await OrdersAsync(), o => o.Status == OrderStatus.AwaitingPayment);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
        Assert.Contains(responses, r => r.Headers.Location?.OriginalString == $"/Orders/{paid.PublicId}");
    }

    [Fact]
    public async Task Post_Checkout_TabAWaitsIn3DSecureThenTabBPays_CancelsTheWaitingPaymentIntentFirst()
    {
        await using var factory = ManyFormsAllowed();
        var shopper = await ShopperWithCartAsync(factory);
        var tabB = await shopper.CheckoutPageAsync();
        await shopper.PayAsync(ThreeDSecure);
        var waiting = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.RequiresAction, waiting.Status);

        var response = await shopper.PayAsync(Visa, checkoutPage: tabB);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("canceled", Stripe.FindPaymentIntent(waiting.PaymentIntentId!)!.Status);
        var records = await RecordsAsync();
        Assert.Equal([PaymentStatus.Canceled, PaymentStatus.Succeeded], records.Select(r => r.Status));
        Assert.Equal(OrderStatus.Paid, Assert.Single(await OrdersAsync()).Status);
        Assert.Single(Stripe.PaymentIntents, pi => pi.Status == "succeeded");
        // The old tab's bank step can no longer pay: Stripe has canceled it.
        Assert.Throws<InvalidOperationException>(() => Stripe.CompleteAuthentication(waiting.PaymentIntentId!, succeed: true));
    }

    [Fact]
    public async Task Post_Checkout_3DSecureLeftOpenCartChangedPaidAgain_FirstIsCanceledAndApprovingItLaterPaysNothing()
    {
        await using var factory = ManyFormsAllowed();
        var shopper = await ShopperWithCartAsync(factory);
        await shopper.PayAsync(ThreeDSecure);
        var first = Assert.Single(await RecordsAsync());
        await shopper.AddToCartAsync("huila-el-mirador", 1);

        var response = await shopper.PayAsync(Visa);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("canceled", Stripe.FindPaymentIntent(first.PaymentIntentId!)!.Status);
        var orders = await OrdersAsync();
        Assert.Equal([OrderStatus.Abandoned, OrderStatus.Paid], orders.Select(o => o.Status));
        Assert.Throws<InvalidOperationException>(() => Stripe.CompleteAuthentication(first.PaymentIntentId!, succeed: true));
        var returned = await shopper.Client.GetAsync($"/Checkout/Return?order={orders[0].PublicId}&payment_intent={first.PaymentIntentId}");
        Assert.NotEqual(HttpStatusCode.InternalServerError, returned.StatusCode);
        Assert.Equal(OrderStatus.Abandoned, (await OrdersAsync())[0].Status);
        Assert.Single(Stripe.PaymentIntents, pi => pi.Status == "succeeded");
        Assert.Empty(await CartQuantitiesAsync());
    }

    [Fact]
    public async Task Post_Checkout_3DSecureApprovedBeforeTheCartChangeIsPaid_PaysTheFirstOrderChargesNothingNewAndKeepsTheNewBag()
    {
        await using var factory = ManyFormsAllowed();
        var shopper = await ShopperWithCartAsync(factory);
        await shopper.PayAsync(ThreeDSecure);
        var first = Assert.Single(await RecordsAsync());
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        // Approved in the bank's app; the customer never came back through the return page.
        Stripe.CompleteAuthentication(first.PaymentIntentId!, succeed: true);
        var creates = PaymentIntentCreates();

        var response = await shopper.PayAsync(Visa);

        Assert.Equal(creates, PaymentIntentCreates());
        var order = Assert.Single(await OrdersAsync());
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal($"/Orders/{order.PublicId}", response.Headers.Location!.OriginalString);
        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
        // Only the paid bags left the cart: the bag added after the first checkout is still there, unpaid.
        Assert.Equal(new Dictionary<int, int> { [await ProductIdAsync("huila-el-mirador")] = 1 }, await CartQuantitiesAsync());
    }

    [Fact]
    public async Task Get_Checkout_RenderedTwice_DoesNotAbandonTheOrderWhoseAttemptWaitsForTheBank()
    {
        var shopper = await ShopperWithCartAsync(Factory);
        await shopper.PayAsync(ThreeDSecure);
        await shopper.AddToCartAsync("huila-el-mirador", 1);

        await shopper.CheckoutPageAsync();

        Assert.Equal(OrderStatus.AwaitingPayment, Assert.Single(await OrdersAsync()).Status);
        Assert.Equal("requires_action", Assert.Single(Stripe.PaymentIntents).Status);
    }

    [Fact]
    public async Task Post_Checkout_PaidThenAddedMoreBeforeTheAnswer_RemovesOnlyThePaidQuantity()
    {
        var shopper = await ShopperWithCartAsync(Factory);
        var page = await shopper.CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromMilliseconds(800);

        var paying = shopper.PayAsync(Visa, checkoutPage: page);
        await Stripe.WaitForRequestAsync(r => r.Path == "/v1/payment_intents");
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        var response = await paying;

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(new Dictionary<int, int> { [await ProductIdAsync("huila-el-mirador")] = 1 }, await CartQuantitiesAsync());
    }

    [Fact]
    public async Task Post_Checkout_FormWhoseCartWasReadBeforeAnotherTabPaid_ChargesNothingMore()
    {
        // Deterministic form of the race the twenty forms can hit: tab B's POST reads the cart, tab A's payment
        // commits (the order Paid, the cart emptied), then tab B begins its attempt from what it read.
        var shopper = await ShopperWithCartAsync(Factory);
        var stale = await CartReadNowAsync();
        Assert.Equal(2, stale.ItemCount);
        Assert.Equal(HttpStatusCode.SeeOther, (await shopper.PayAsync(Visa)).StatusCode);

        await using var scope = Factory.Services.CreateAsyncScope();
        var checkout = scope.ServiceProvider.GetRequiredService<CheckoutPayment>();
        var outcome = await checkout.SubmitAsync(
            new CheckoutSubmission(stale, Guid.NewGuid(), "ada@example.com",
                new ShippingAddress("Ada Lovelace", "Unter den Linden 1", null, "10117", "Berlin", "DE", null), Visa, _ => "https://localhost/Checkout/Return"),
            CancellationToken.None);

        Assert.Equal(CheckoutOutcomeKind.Stale, outcome.Kind);
        Assert.Equal(1, PaymentIntentCreates());
        Assert.Equal(OrderStatus.Paid, Assert.Single(await OrdersAsync()).Status);
        Assert.Single(await RecordsAsync());
    }

    [Fact]
    public async Task Post_Checkout_SameCartPaidTwiceInTurn_EachPaymentIsItsOwnRound()
    {
        var shopper = await ShopperWithCartAsync(Factory);
        await shopper.PayAsync(Visa);
        await shopper.AddToCartAsync("huila-el-mirador", 1);

        Assert.Equal(HttpStatusCode.SeeOther, (await shopper.PayAsync(Visa)).StatusCode);

        var orders = await OrdersAsync();
        Assert.Equal([(OrderStatus.Paid, 0), (OrderStatus.Paid, 1)], orders.Select(o => (o.Status, o.CartRound)));
        await using var db = Db();
        Assert.Equal(2, (await db.Carts.SingleAsync()).Round);
    }

    /// <summary>The shopper's cart as a checkout POST reads it, through the app's own <see cref="CartSession"/>.</summary>
    private async Task<CartView> CartReadNowAsync()
    {
        Guid cartId;
        await using (var db = Db())
        {
            cartId = await db.Carts.Select(c => c.Id).SingleAsync();
        }

        await using var scope = Factory.Services.CreateAsyncScope();
        var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        request.Request.Headers.Cookie = $"{ShopCookies.HostPrefix}{CartCookie.Name}={cartId:N}";
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = request;
        return await scope.ServiceProvider.GetRequiredService<CartSession>().LoadAsync(CancellationToken.None);
    }
}
