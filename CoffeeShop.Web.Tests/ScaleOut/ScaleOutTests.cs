using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.ScaleOut;

/// <summary>
/// Several instances of the shop on one PostgreSQL, as behind a load balancer: each instance is its
/// own host (own memory, own services, own data-protection key ring cache); all they share is the
/// database and the fake Stripe API. Instance A is the fixture's shop; B (and more) start per test.
/// </summary>
public sealed class ScaleOutTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private readonly List<ShopFactory> _instances = [];

    private ShopFactory A => Factory;

    /// <summary>Another instance of the shop: a second host on the same database and Stripe.</summary>
    private ShopFactory StartInstance(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var instance = new ShopFactory(Stripe, settings);
        _instances.Add(instance);
        _ = instance.Services; // start it now, not at its first request
        return instance;
    }

    public override async Task DisposeAsync()
    {
        // Stop every extra instance (and its background services) before the next test resets the database.
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>
    /// One browser whose requests the load balancer sends to either instance: one cookie jar, a client per
    /// instance, no automatic redirects. Whatever cookie one instance sets, the browser shows the other.
    /// </summary>
    private static (HttpClient OnA, HttpClient OnB) OneBrowser(ShopFactory a, ShopFactory b)
    {
        var jar = new CookieContainer();
#pragma warning disable CA2000 // the handlers belong to the clients, which the test host disposes with the factory
        return (a.CreateDefaultClient(ShopFactory.BaseAddress, new CookieContainerHandler(jar)),
                b.CreateDefaultClient(ShopFactory.BaseAddress, new CookieContainerHandler(jar)));
#pragma warning restore CA2000
    }

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).OrderBy(p => p.Id).ToListAsync();
    }

    /// <summary>What a first visitor without cookies sees as Kiambu AA's price, on the catalog and on its page.</summary>
    private static async Task<(string Catalog, string Page)> KiambuPricesAsync(ShopFactory instance)
    {
        var catalog = await instance.CreateBrowserClient().GetDocumentAsync("/");
        var card = catalog.QuerySelectorAll(".card").Single(c => c.TextContent.Contains("Kiambu AA", StringComparison.Ordinal));
        var page = await instance.CreateBrowserClient().GetDocumentAsync("/Products/kiambu-aa");
        return (card.QuerySelector(".price")!.TextContent.Trim(), page.QuerySelector(".product .price")!.TextContent.Trim());
    }

    [Fact]
    public async Task Post_PriceChangeOnOneInstance_ShowsThereAtOnce_AndOnAnotherWithinTheCacheLifetime()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        var b = StartInstance(new Dictionary<string, string?> { ["PageCache:LifetimeSeconds"] = "3" });
        var admin = await AdminSession.SignInAsync(A);
        var editor = await admin.GetDocumentAsync($"/Admin/Products/{await Pages.Admin.ProductEditorTests.IdOfAsync(Fixture, "kiambu-aa")}");
        // Both instances keep the first visitors' catalog and product page.
        Assert.Equal(("€16.90", "€16.90"), await KiambuPricesAsync(A));
        Assert.Equal(("€16.90", "€16.90"), await KiambuPricesAsync(b));

        Assert.Equal(HttpStatusCode.SeeOther, (await admin.SubmitAsync(editor.Form("#product-form"), new Dictionary<string, string?> { ["Input.Price"] = "18.20" })).StatusCode);
        var changed = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal(("€18.20", "€18.20"), await KiambuPricesAsync(A));
        Assert.Equal(("€16.90", "€16.90"), await KiambuPricesAsync(b)); // B's copies are its own, until they expire
        Assert.True(await Waits.UntilAsync(async () => await KiambuPricesAsync(b) == ("€18.20", "€18.20"), lifetime + TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100)));
        // The lifetime plus the time a poll of both pages may take on a busy machine.
        Assert.True(changed.Elapsed <= lifetime + TimeSpan.FromSeconds(2), $"B showed the change after {changed.Elapsed}");
    }

    [Fact]
    public async Task Checkout_TwoTabsOfOneCartPaidAtOnceOnTwoInstances_OnePaymentIntent()
    {
        var b = StartInstance();
        var (onA, onB) = OneBrowser(A, b);
        var shopperOnA = new Shopper(onA);
        await shopperOnA.AddToCartAsync("kiambu-aa", 2);
        var tabOnA = await shopperOnA.CheckoutPageAsync();
        var tabOnB = await new Shopper(onB).CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromMilliseconds(500);

        var responses = await Task.WhenAll(
            shopperOnA.PayAsync(ConfirmationTokens.Visa, checkoutPage: tabOnA),
            new Shopper(onB).PayAsync(ConfirmationTokens.Visa, checkoutPage: tabOnB));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Single(Stripe.PaymentIntents);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal(OrderStatus.Paid, record.Order!.Status);
    }

    [Fact]
    public async Task Checkout_TwoCustomersForTheLastBagOnTwoInstances_OneIsCharged()
    {
        await Fixture.SetStockAsync("kiambu-aa", 1);

        var b = StartInstance();
        var ada = new Shopper(A.CreateBrowserClient());
        var bob = new Shopper(b.CreateBrowserClient());
        await ada.AddToCartAsync("kiambu-aa", 1);
        await bob.AddToCartAsync("kiambu-aa", 1);
        var adaPage = await ada.CheckoutPageAsync();
        var bobPage = await bob.CheckoutPageAsync();
        Stripe.Latency = TimeSpan.FromMilliseconds(300);

        var responses = await Task.WhenAll(ada.PayAsync(ConfirmationTokens.Visa, checkoutPage: adaPage), bob.PayAsync(ConfirmationTokens.Visa, checkoutPage: bobPage));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.SeeOther);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.BadRequest);
        Assert.Single(Stripe.PaymentIntents);
        await using var after = Db();
        Assert.Equal((0, 0), await after.Products.Where(p => p.Slug == "kiambu-aa").Select(p => new ValueTuple<int, int>(p.Stock, p.Reserved)).SingleAsync());
    }

    [Fact]
    public async Task Cart_FilledOnA_IsCheckedOutOnB()
    {
        var b = StartInstance();
        var (onA, onB) = OneBrowser(A, b);
        var shopperOnA = new Shopper(onA);
        var added = await shopperOnA.AddToCartAsync("kiambu-aa", 2);
        Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);

        // B knows the cart it never saw being filled, and its message cookie (data protection) from A.
        var cartOnB = await onB.GetDocumentAsync("/Cart");
        Assert.Contains("Kiambu AA", cartOnB.QuerySelector("table.cart")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("€33.80", cartOnB.QuerySelector("#cart-subtotal")!.TextContent.Trim());

        // The checkout form (antiforgery token and cookie) comes from A and is posted to B.
        var checkoutOnA = await shopperOnA.CheckoutPageAsync();
        var paid = await new Shopper(onB).PayAsync(ConfirmationTokens.Visa, "split@example.com", checkoutPage: checkoutOnA);

        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        // The coffee and €4.90 shipping to Germany.
        Assert.Equal(3380 + 490, record.AmountMinor);
        Assert.Equal($"/Orders/{record.Order!.PublicId}", paid.Headers.Location!.OriginalString);
        var orderOnA = await onA.GetDocumentAsync(paid.Headers.Location.OriginalString);
        Assert.Equal("paid", orderOnA.QuerySelector("#payment-state")!.GetAttribute("data-status"));
        Assert.NotNull((await onA.GetDocumentAsync("/Cart")).QuerySelector("p.empty"));
    }

    [Fact]
    public async Task Admin_SignedInOnA_IsSignedInOnB()
    {
        var b = StartInstance();
        var (onA, onB) = OneBrowser(A, b);
        var signedOut = await onB.GetAsync("/Admin/Payments");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        await AdminSession.CreateUserAsync(A, "ops@coffeeshop.test", admin: true);

        var signIn = await AdminSession.SubmitSignInAsync(onA, "ops@coffeeshop.test", AdminSession.Password, "/Admin/Payments");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var onBAfter = await onB.GetAsync("/Admin/Payments");
        Assert.Equal(HttpStatusCode.OK, onBAfter.StatusCode);
        Assert.Equal("Payments", (await HtmlForms.ParseAsync(onBAfter)).QuerySelector("h1")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/Admin")).StatusCode);
    }

    [Fact]
    public async Task Webhook_DeliveredToBothInstancesAtOnce_IsProcessedOnce()
    {
        var b = StartInstance();
        var shopper = new Shopper(A.CreateBrowserClient());
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        await shopper.PayAsync(ConfirmationTokens.Processing);
        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Processing, record.Status);
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var signed = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));
        using var toA = A.CreateClient();
        using var toB = b.CreateClient();

        // Stripe retries while the first delivery is still running: the same event reaches both instances.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? toA : toB).DeliverAsync(signed)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var settled = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, settled.Status);
        Assert.Equal(OrderStatus.Paid, settled.Order!.Status);
        await using var db = Db();
        var stored = await db.StripeEvents.SingleAsync();
        Assert.NotNull(stored.ProcessedAt);
        Assert.Equal(1, await db.PaymentTimeline.CountAsync(e => EF.Functions.Like(e.Source, "webhook%")));
        Assert.Equal(1, await db.PaymentTimeline.CountAsync(e => e.ToStatus == PaymentStatus.Succeeded));
    }

    [Fact]
    public async Task Reconcilers_RunningOnTwoInstances_SettleEachStuckRecordOnce()
    {
        string[] slugs = ["kiambu-aa", "huila-el-mirador", "cerrado-sunrise", "sumatra-gayo", "antigua-san-miguel", "house-espresso"];
        foreach (var slug in slugs)
        {
            var shopper = new Shopper(A.CreateBrowserClient());
            await shopper.AddToCartAsync(slug, 1);
            await shopper.PayAsync(ConfirmationTokens.Processing);
        }

        var stuck = await RecordsAsync();
        Assert.Equal(slugs.Length, stuck.Count);
        Assert.All(stuck, r => Assert.Equal(PaymentStatus.Processing, r.Status));
        // The payments went through at Stripe, but the webhooks were lost.
        foreach (var record in stuck)
        {
            Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        }

        await using (var db = Db())
        {
            var then = DateTimeOffset.UtcNow.AddMinutes(-10);
            await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, then).SetProperty(p => p.CreatedAt, then));
        }

        Stripe.Latency = TimeSpan.FromMilliseconds(100);
        var reconciling = new Dictionary<string, string?>
        {
            ["Reconciliation:Enabled"] = "true",
            ["Reconciliation:IntervalSeconds"] = "1",
            ["Reconciliation:BatchSize"] = "2",
        };

        // Two instances whose background reconcilers tick every second over the same table.
        StartInstance(reconciling);
        StartInstance(reconciling);
        List<PaymentRecord> records = [];
        await Waits.UntilAsync(async () => (records = await RecordsAsync()).All(r => r.Status == PaymentStatus.Succeeded),
            TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(250));

        Assert.All(records, r => Assert.Equal(PaymentStatus.Succeeded, r.Status));
        Assert.All(records, r => Assert.Equal(OrderStatus.Paid, r.Order!.Status));
        await using var check = Db();
        var settlements = await check.PaymentTimeline.Where(e => e.ToStatus == PaymentStatus.Succeeded)
            .GroupBy(e => e.PaymentRecordId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(slugs.Length, settlements.Count);
        Assert.All(settlements, count => Assert.Equal(1, count));
        // Each record was claimed by one instance only: Stripe was asked about each PaymentIntent once.
        Assert.All(records, r => Assert.Single(Stripe.Requests, q => q.Method == "GET" && q.Path == $"/v1/payment_intents/{r.PaymentIntentId}"));
    }

    [Fact]
    public async Task Checkout_BehindATlsTerminatingLoadBalancer_WorksWithTheBalancerConfiguredAsAProxy()
    {
        // The README's setting for a load balancer that ends TLS and forwards plain http with X-Forwarded-Proto.
        // AllowedHosts names the public host the balancer forwards.
        var behindProxy = StartInstance(new Dictionary<string, string?> { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/24", ["AllowedHosts"] = "shop.example" });
#pragma warning disable CA2000 // the handler belongs to the client
        using var client = behindProxy.CreateDefaultClient(new Uri("http://shop.example"), new TlsTerminatingProxy());
#pragma warning restore CA2000
        var shopper = new Shopper(client);
        Assert.Equal(HttpStatusCode.SeeOther, (await shopper.AddToCartAsync("kiambu-aa", 1)).StatusCode);

        var response = await shopper.PayAsync(ConfirmationTokens.AuthenticationRequiredRedirect);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var intent = Assert.Single(Stripe.PaymentIntents);
        // Stripe sends the customer back to the public https address, not to the instance's own.
        Assert.StartsWith("https://shop.example/Checkout/Return?", intent.ReturnUrl, StringComparison.Ordinal);
    }

    /// <summary>
    /// What a load balancer that ends TLS does: the browser speaks https to it, the instance gets plain
    /// http with <c>X-Forwarded-Proto: https</c> and <c>X-Forwarded-For</c>, from the balancer's address
    /// (10.0.0.2). Cookies are kept as the browser keeps them, for the https address (so <c>Secure</c> cookies go back).
    /// </summary>
    private sealed class TlsTerminatingProxy : DelegatingHandler
    {
        private readonly CookieContainer _browserJar = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var seenByBrowser = new UriBuilder(request.RequestUri!) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri;
            request.Headers.Add(SocketAddresses.Header, "10.0.0.2");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            if (_browserJar.GetCookieHeader(seenByBrowser) is { Length: > 0 } cookies)
            {
                request.Headers.Add("Cookie", cookies);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    _browserJar.SetCookies(seenByBrowser, setCookie);
                }
            }

            return response;
        }
    }
}
