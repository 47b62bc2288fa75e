using System.Diagnostics.Metrics;
using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Payments.Stripe;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CoffeeShop.Web.Tests.Observability;

/// <summary>The CoffeeShop meter's instruments, read from the app's own meter factory as a real exporter would.</summary>
public class ShopMetricsTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private static MetricCollector<T> Collect<T>(ShopFactory shop, string instrument) where T : struct =>
        new(shop.Services.GetRequiredService<IMeterFactory>(), ShopMetrics.MeterName, instrument);

    private static string Tag<T>(CollectedMeasurement<T> measurement, string tag) where T : struct =>
        Assert.IsType<string>(measurement.Tags[tag]);

    [Fact]
    public async Task Post_Checkout_DeclinedThenPaid_CountsEachCheckoutWithItsOutcome()
    {
        using var checkouts = Collect<long>(Factory, "coffeeshop.checkouts");
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");

        var declined = await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined");
        var paid = await shopper.PayAsync("ctoken_pm_card_visa");

        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var counted = checkouts.GetMeasurementSnapshot();
        Assert.Equal(["declined", "paid"], counted.Select(m => Tag(m, "outcome")));
        Assert.All(counted, m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public async Task Post_Checkout_ThreeDSecure_CountsRequiresAction()
    {
        using var checkouts = Collect<long>(Factory, "coffeeshop.checkouts");
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");

        await shopper.PayAsync("ctoken_pm_card_threeDSecure2Required");

        Assert.Equal("requires_action", Tag(Assert.Single(checkouts.GetMeasurementSnapshot()), "outcome"));
    }

    [Fact]
    public async Task Post_Checkout_StripeAnswersAndDeclines_RecordsEachCallsDurationByOperationAndOutcome()
    {
        using var durations = Collect<double>(Factory, "coffeeshop.stripe.duration");
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");

        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined");
        await shopper.PayAsync("ctoken_pm_card_visa");

        var calls = durations.GetMeasurementSnapshot();
        Assert.Equal(
            [("create_payment_intent", "refused"), ("create_payment_intent", "ok")],
            calls.Select(m => (Tag(m, "operation"), Tag(m, "outcome"))));
        Assert.All(calls, m => Assert.InRange(m.Value, 0.000_001, 10));
    }

    [Fact]
    public async Task Post_Checkout_StripeNeverAnswers_RecordsATimeout()
    {
        SkipLedgerCheck("the attempt stays Pending on purpose: nobody knows whether Stripe took it until the reconciler asks");
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Stripe:TimeoutSeconds"] = "1",
            ["Stripe:MaxNetworkRetries"] = "0",
        });
        using var durations = Collect<double>(shop, "coffeeshop.stripe.duration");
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        Stripe.HangNext(1);

        await shopper.PayAsync("ctoken_pm_card_visa");

        var call = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal(("create_payment_intent", "timeout"), (Tag(call, "operation"), Tag(call, "outcome")));
        Assert.InRange(call.Value, 0.9, 10); // HttpClient's timer ticks in whole milliseconds and started before the handler timing the call
    }

    [Theory]
    [InlineData("POST", "/v1/payment_intents", "create_payment_intent")]
    [InlineData("GET", "/v1/payment_intents", "list_payment_intents")]
    [InlineData("GET", "/v1/payment_intents/search", "search_payment_intents")]
    [InlineData("GET", "/v1/payment_intents/pi_123", "retrieve_payment_intent")]
    [InlineData("POST", "/v1/payment_intents/pi_123/confirm", "confirm_payment_intent")]
    [InlineData("POST", "/v1/payment_intents/pi_123/cancel", "cancel_payment_intent")]
    [InlineData("POST", "/v1/refunds", "create_refund")]
    [InlineData("GET", "/v1/refunds", "list_refunds")]
    [InlineData("GET", "/stripe-mock/v1/refunds/re_123", "retrieve_refund")]
    [InlineData("GET", "/v1/customers/cus_123", "other")]
    public void StripeCall_Operation_IsNamedWithoutIds(string method, string path, string expected) =>
        Assert.Equal(expected, StripeCallMetrics.OperationOf(new HttpMethod(method), path));

    [Fact]
    public async Task Post_Webhook_ProcessedDuplicateIgnoredAndBadSignature_AreCountedByTypeAndOutcome()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        await shopper.PayAsync("ctoken_test_processing");
        string paymentIntentId;
        await using (var db = Db())
        {
            paymentIntentId = (await db.PaymentRecords.SingleAsync()).PaymentIntentId!;
        }

        Stripe.SetPaymentIntentStatus(paymentIntentId, "succeeded");
        var succeeded = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(paymentIntentId));
        var unhandled = Stripe.SignedEvent("customer.created", """{"id":"cus_123","object":"customer"}""");
        using var webhooks = Collect<long>(Factory, "coffeeshop.webhooks");
        var stripe = Factory.CreateBrowserClient();

        var answers = new[]
        {
            await stripe.DeliverAsync(succeeded),
            await stripe.DeliverAsync(succeeded),
            await stripe.DeliverAsync(unhandled),
            await stripe.DeliverAsync(succeeded.Payload, "t=1,v1=forged"),
        };

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest], answers.Select(a => a.StatusCode));
        Assert.Equal(
            [
                ("payment_intent.succeeded", "processed"),
                ("payment_intent.succeeded", "duplicate"),
                ("customer.created", "ignored"),
                ("unknown", "bad_signature"),
            ],
            webhooks.GetMeasurementSnapshot().Select(m => (Tag(m, "type"), Tag(m, "outcome"))));
    }

    [Fact]
    public async Task Reconcile_UnsettledPaymentTenMinutesOld_GaugesShowTheBacklogAndItsAge()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        await shopper.PayAsync("ctoken_test_processing");
        await using (var db = Db())
        {
            var then = DateTimeOffset.UtcNow.AddMinutes(-10);
            await db.PaymentRecords.ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, then).SetProperty(p => p.CreatedAt, then));
        }

        using var backlog = Collect<long>(Factory, "coffeeshop.reconciler.backlog");
        using var age = Collect<double>(Factory, "coffeeshop.reconciler.oldest_unsettled_age");
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileDueAsync(CancellationToken.None);
        }

        backlog.RecordObservableInstruments();
        age.RecordObservableInstruments();

        await using (var db = Db())
        {
            Assert.Equal(PaymentStatus.Processing, (await db.PaymentRecords.SingleAsync()).Status);
        }

        Assert.Equal(1, backlog.LastMeasurement!.Value);
        Assert.InRange(age.LastMeasurement!.Value, 600, 900);
    }

    [Fact]
    public async Task Dispatch_SmtpServerDown_OutboxBacklogGaugeShowsTheMessagesStillWaiting()
    {
        // A closed port: every send fails and the messages wait for their next attempt.
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Email:Smtp:Port"] = "9" });
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var shopper = new Shopper(shop.CreateBrowserClient());
            await shopper.AddToCartAsync("kiambu-aa");
            await shopper.PayAsync("ctoken_pm_card_visa");
        }

        using var backlog = Collect<long>(shop, "coffeeshop.outbox.backlog");
        var claimed = await shop.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None);
        backlog.RecordObservableInstruments();

        long waiting;
        await using (var db = Db())
        {
            waiting = await db.OutboxMessages.LongCountAsync(m => m.Status == OutboxStatus.Pending);
        }

        Assert.True(claimed >= 2, $"{claimed} messages claimed");
        Assert.True(waiting >= 2, $"{waiting} messages waiting");
        Assert.Equal(waiting, backlog.LastMeasurement!.Value);
    }

    [Fact]
    public async Task Post_Checkout_OverTheLimit_CountsTheRejectionUnderItsPolicy()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["RateLimits:CheckoutPostsPerMinute"] = "1" });
        using var rejections = Collect<long>(shop, "coffeeshop.rate_limit.rejections");
        var shopper = new Shopper(shop.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa");
        var page = await shopper.CheckoutPageAsync();

        await shopper.PayAsync("ctoken_pm_card_visa_chargeDeclined", checkoutPage: page);
        var second = await shopper.PayAsync("ctoken_pm_card_visa", checkoutPage: page);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(RateLimits.CheckoutPosts, Tag(Assert.Single(rejections.GetMeasurementSnapshot()), "policy"));
    }

    [Fact]
    public async Task Get_Return_OverTheLimit_CountsTheRejectionUnderItsPolicy()
    {
        await using var shop = new ShopFactory(Stripe, new Dictionary<string, string?> { ["RateLimits:PaymentStatusChecksPerMinute"] = "1" });
        using var rejections = Collect<long>(shop, "coffeeshop.rate_limit.rejections");
        var client = shop.CreateBrowserClient();

        await client.GetAsync("/Checkout/Return?order=unknown");
        var second = await client.GetAsync("/Checkout/Return?order=unknown");

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(RateLimits.PaymentStatusChecks, Tag(Assert.Single(rejections.GetMeasurementSnapshot()), "policy"));
    }
}
