using System.Net;
using System.Text.Json.Nodes;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using EventUtility = Stripe.EventUtility;
using RefundCreateOptions = Stripe.RefundCreateOptions;
using RefundService = Stripe.RefundService;
using StripeClient = Stripe.StripeClient;
using StripeClientOptions = Stripe.StripeClientOptions;

namespace CoffeeShop.Web.Tests.Payments;

public class StripeWebhookTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private HttpClient Stripe2Shop => Factory.CreateBrowserClient();

    /// <summary>A customer pays; returns their record as the shop stored it.</summary>
    private async Task<(Shopper Shopper, PaymentRecord Record)> PayAsync(string token = "ctoken_pm_card_visa", ShopFactory? factory = null)
    {
        var shopper = new Shopper((factory ?? Factory).CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync(token);
        return (shopper, await RecordAsync());
    }

    private async Task<PaymentRecord> RecordAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).SingleAsync();
    }

    private async Task<List<PaymentTimelineEntry>> TimelineAsync()
    {
        await using var db = Db();
        return await db.PaymentTimeline.OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<List<StripeEventRecord>> EventsAsync()
    {
        await using var db = Db();
        return await db.StripeEvents.OrderBy(e => e.ReceivedAt).ToListAsync();
    }

    private static string With(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    private string FailedIntentJson(string paymentIntentId) => With(Stripe.PaymentIntentJson(paymentIntentId), o =>
    {
        o["status"] = "requires_payment_method";
        o["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "generic_decline", ["message"] = "Your card was declined." };
    });

    [Fact]
    public async Task Post_Webhook_PaymentIntentSucceeded_SettlesAProcessingPayment()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var signed = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));

        var response = await Stripe2Shop.DeliverAsync(signed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await RecordAsync();
        Assert.Equal(PaymentStatus.Succeeded, after.Status);
        Assert.Equal(OrderStatus.Paid, after.Order!.Status);
        var stored = Assert.Single(await EventsAsync());
        Assert.Equal("payment_intent.succeeded", stored.Type);
        Assert.Equal(after.Id, stored.PaymentRecordId);
        Assert.NotNull(stored.ProcessedAt);
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("wrong-secret")]
    [InlineData("missing")]
    [InlineData("stale")]
    public async Task Post_Webhook_InvalidOrStaleSignature_Returns400AndChangesNothing(string how)
    {
        SkipLedgerCheck("Stripe's news of the payment is refused or has no record here; the reconciler would settle it later");
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var json = Stripe.PaymentIntentJson(record.PaymentIntentId!);
        var (payload, signature) = Stripe.SignedEvent("payment_intent.succeeded", json,
            signedAt: how == "stale" ? DateTimeOffset.UtcNow.AddMinutes(-6) : null);
        var signedPayload = payload;
        (payload, signature) = how switch
        {
            "tampered" => (payload.Replace(record.PaymentIntentId!, "pi_someone_else", StringComparison.Ordinal), signature),
            "wrong-secret" => (payload, EventUtility.GenerateSignatureHeader(payload, "whsec_not_the_shops", DateTimeOffset.UtcNow.ToUnixTimeSeconds())),
            "missing" => (payload, null),
            _ => (payload, signature),
        };
        Assert.True(how != "tampered" || payload != signedPayload, "the tampered payload must differ from the signed one");

        var response = await Stripe2Shop.DeliverAsync(payload, signature);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(PaymentStatus.Processing, (await RecordAsync()).Status);
        Assert.Empty(await EventsAsync());
    }

    [Fact]
    public async Task Post_Webhook_SameEventTwiceInARow_ProcessedOnceBoth200()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var signed = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));

        var first = await Stripe2Shop.DeliverAsync(signed);
        var second = await Stripe2Shop.DeliverAsync(signed);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(await EventsAsync());
        Assert.Single(await TimelineAsync(), e => e.Source.StartsWith("webhook", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Webhook_DatabaseRestartsWhileHandling_TheClaimIsGivenBack_AndStripesNextDeliveryIsProcessed()
    {
        // bench/soak lost an event so: handling failed as PostgreSQL restarted, giving the claim back failed
        // too, and Stripe's next delivery was answered 200 as a duplicate without being processed.
        var breaks = new FailWebhookHandlingInterceptor();
        await using var shop = new ShopFactory(Stripe, services: s => s.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(breaks));
        var (_, record) = await PayAsync("ctoken_test_processing", shop);
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var signed = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));
        var client = shop.CreateBrowserClient();
        breaks.Arm();

        var first = await client.DeliverAsync(signed);
        var second = await client.DeliverAsync(signed);

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
        Assert.NotNull(Assert.Single(await EventsAsync()).ProcessedAt);
    }

    [Fact]
    public async Task Post_Webhook_SameEventConcurrently_ProcessedOnceAll200()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var signed = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Stripe2Shop.DeliverAsync(signed)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await EventsAsync());
        Assert.Single(await TimelineAsync(), e => e.Source.StartsWith("webhook", StringComparison.Ordinal));
        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
    }

    [Fact]
    public async Task Post_Webhook_PaymentFailedAfterSucceeded_StaysSucceededAndTimelineShowsBoth()
    {
        var (_, record) = await PayAsync();
        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!)));

        var late = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.payment_failed", FailedIntentJson(record.PaymentIntentId!)));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
        var timeline = await TimelineAsync();
        Assert.Contains(timeline, e => e.ToStatus == PaymentStatus.Succeeded);
        Assert.Contains(timeline, e => e.ToStatus is null && e.Note.Contains("requires_payment_method; kept Succeeded", StringComparison.Ordinal));
        Assert.Equal(2, (await EventsAsync()).Count(e => e.PaymentRecordId == record.Id));
    }

    [Fact]
    public async Task Webhook_BeforeTheCustomerReturns_ThenReturnPage_OnePaidOrder()
    {
        var (shopper, record) = await PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);

        var hook = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!)));
        var returned = await shopper.Client.GetAsync($"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={record.PaymentIntentId}");

        Assert.Equal(HttpStatusCode.OK, hook.StatusCode);
        Assert.Equal($"/Orders/{record.Order.PublicId}", returned.Headers.Location!.OriginalString);
        var after = await RecordAsync();
        Assert.Equal(PaymentStatus.Succeeded, after.Status);
        Assert.Single(await TimelineAsync(), e => e.ToStatus == PaymentStatus.Succeeded);
    }

    [Fact]
    public async Task Webhook_AndReturnPageAtTheSameMoment_OneSettlement()
    {
        var (shopper, record) = await PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        var signed = Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!));

        await Task.WhenAll(
            Stripe2Shop.DeliverAsync(signed),
            shopper.Client.GetAsync($"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={record.PaymentIntentId}"),
            Stripe2Shop.DeliverAsync(signed));

        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
        Assert.Single(await TimelineAsync(), e => e.ToStatus == PaymentStatus.Succeeded);
        await using var db = Db();
        Assert.Equal(1, await db.Orders.CountAsync(o => o.Status == OrderStatus.Paid));
    }

    [Fact]
    public async Task Post_Webhook_OtherApiVersion_IsVerifiedThenSettledFromAFreshlyFetchedPaymentIntent()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var oldShape = With(Stripe.PaymentIntentJson(record.PaymentIntentId!), o => o["status"] = "processing");

        var response = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", oldShape, apiVersion: "2020-08-27"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
        Assert.Contains(Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/payment_intents/{record.PaymentIntentId}");
    }

    [Fact]
    public async Task Post_Webhook_UnknownPaymentIntent_Returns200AndIsStored()
    {
        SkipLedgerCheck("Stripe's news of the payment is refused or has no record here; the reconciler would settle it later");
        var stranger = Stripe.CreatePaymentIntentDirectly(999, "eur", new Dictionary<string, string>());

        var response = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(stranger.Id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(await EventsAsync());
        Assert.Null(stored.PaymentRecordId);
        Assert.NotNull(stored.ProcessedAt);
        Assert.Contains("no payment record", stored.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Webhook_ArrivesBeforeTheShopStoredThePaymentIntentId_IsLinkedByOrderMetadata()
    {
        await using var broken = new ShopFactory(Stripe, services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions
            .AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, FailPaymentUpdatesInterceptor>(s));
        var (_, record) = await PayAsync(factory: broken);
        Assert.Null(record.PaymentIntentId);
        var charged = Assert.Single(Stripe.PaymentIntents);

        var response = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(charged.Id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await RecordAsync();
        Assert.Equal(PaymentStatus.Succeeded, after.Status);
        Assert.Equal(charged.Id, after.PaymentIntentId);
        Assert.Equal(after.Id, Assert.Single(await EventsAsync()).PaymentRecordId);
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("currency")]
    public async Task Post_Webhook_AmountOrCurrencyDiffersFromTheOrder_MarksNeedsAttention(string field)
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        var json = With(Stripe.PaymentIntentJson(record.PaymentIntentId!), o =>
        {
            o["status"] = "succeeded";
            if (field == "amount")
            {
                o["amount"] = 1;
            }
            else
            {
                o["currency"] = "usd";
            }
        });

        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", json));

        var after = await RecordAsync();
        Assert.Equal(PaymentStatus.NeedsAttention, after.Status);
        Assert.Equal(OrderStatus.AwaitingPayment, after.Order!.Status);
    }

    [Fact]
    public async Task Post_Webhook_PartialThenFullRefundFromTheDashboard_AppearInRefundsAndMoveTheStatus()
    {
        var (_, record) = await PayAsync();
        var dashboard = new RefundService(new StripeClient(new StripeClientOptions
        {
            ApiKey = FakeStripeApi.SecretKey,
            ApiBase = Stripe.BaseAddress.ToString().TrimEnd('/'),
        }));

        var partial = await dashboard.CreateAsync(new RefundCreateOptions { PaymentIntent = record.PaymentIntentId, Amount = 1000 });
        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(partial.Id)));

        var afterPartial = await RecordAsync();
        Assert.Equal(PaymentStatus.PartiallyRefunded, afterPartial.Status);
        Assert.Equal(1000, afterPartial.RefundedMinor);

        var rest = await dashboard.CreateAsync(new RefundCreateOptions { PaymentIntent = record.PaymentIntentId });
        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("charge.refunded", Stripe.ChargeJson(record.ChargeId!)));
        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(rest.Id)));

        var afterFull = await RecordAsync();
        Assert.Equal(PaymentStatus.Refunded, afterFull.Status);
        Assert.Equal(afterFull.AmountMinor, afterFull.RefundedMinor);
        await using var db = Db();
        var refunds = await db.Refunds.OrderBy(r => r.AmountMinor).ToListAsync();
        Assert.Equal([1000, afterFull.AmountMinor - 1000], refunds.Select(r => r.AmountMinor).Order());
        Assert.All(refunds, r => Assert.Equal("stripe", r.Source));
        Assert.Equal(new[] { partial.Id, rest.Id }.Order(), refunds.Select(r => r.StripeRefundId!).Order());
    }

    [Fact]
    public async Task Post_Webhook_ProcessingEventArrivingAfterTheDebitFailed_Is200AndTheRecordStaysFailed()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        var processingNews = Stripe.SignedEvent("payment_intent.processing", Stripe.PaymentIntentJson(record.PaymentIntentId!));
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "requires_payment_method");
        var failed = FailedIntentJson(record.PaymentIntentId!);
        Assert.Equal(HttpStatusCode.OK, (await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.payment_failed", failed))).StatusCode);
        Assert.Equal(PaymentStatus.Failed, (await RecordAsync()).Status);

        // The debit's "processing" news, written before it failed, is delivered last (Stripe does not keep order).
        var late = await Stripe2Shop.DeliverAsync(processingNews);

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var after = await RecordAsync();
        Assert.Equal(PaymentStatus.Failed, after.Status);
        Assert.Equal(OrderStatus.AwaitingPayment, after.Order!.Status);
        Assert.All(await EventsAsync(), e => Assert.NotNull(e.ProcessedAt));
        await using var db = Db();
        var messages = await db.OutboxMessages.Where(m => m.OrderId == after.OrderId).Select(m => m.Kind).ToListAsync();
        Assert.Equal(2, messages.Count);
        Assert.Contains(MessageKind.PaymentProcessing, messages);
        Assert.Contains(MessageKind.PaymentFailed, messages);
    }

    [Fact]
    public async Task Post_Webhook_ProcessingAgainAfterAFailure_MovesTheRecordButTellsTheCustomerOnce()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "requires_payment_method");
        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.payment_failed", FailedIntentJson(record.PaymentIntentId!)));

        // The PaymentIntent really is confirmed again (Stripe says so now): the record follows, the customer already heard.
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "processing");
        var again = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.processing", Stripe.PaymentIntentJson(record.PaymentIntentId!)));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(PaymentStatus.Processing, (await RecordAsync()).Status);
        await using var db = Db();
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.OrderId == record.OrderId && m.Kind == MessageKind.PaymentProcessing));
    }

    [Fact]
    public async Task Post_Webhook_DashboardRefundNewsBeforeThePaymentsNews_OrderIsPaidAndPartlyRefunded()
    {
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");
        var dashboard = new RefundService(new StripeClient(new StripeClientOptions
        {
            ApiKey = FakeStripeApi.SecretKey,
            ApiBase = Stripe.BaseAddress.ToString().TrimEnd('/'),
        }));
        var partial = await dashboard.CreateAsync(new RefundCreateOptions { PaymentIntent = record.PaymentIntentId, Amount = 1000 });

        // The refund's news overtakes the news that the debit succeeded.
        Assert.Equal(HttpStatusCode.OK, (await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", Stripe.RefundJson(partial.Id)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!)))).StatusCode);

        var after = await RecordAsync();
        Assert.Equal(PaymentStatus.PartiallyRefunded, after.Status);
        Assert.Equal(1000, after.RefundedMinor);
        Assert.Equal(OrderStatus.Paid, after.Order!.Status);
        Assert.NotNull(after.Order.InvoiceNumber);
        Assert.Equal(StockReservation.Sold, after.StockReservation);
    }

    [Fact]
    public async Task Post_Webhook_RefundFailedThenLateRefundCreatedPending_StaysFailedAndRefundsNothing()
    {
        SkipLedgerCheck("the refund's failure is told by hand-made events; the fake's own refund stays succeeded");
        var (_, record) = await PayAsync();
        var dashboard = new RefundService(new StripeClient(new StripeClientOptions
        {
            ApiKey = FakeStripeApi.SecretKey,
            ApiBase = Stripe.BaseAddress.ToString().TrimEnd('/'),
        }));
        var refund = await dashboard.CreateAsync(new RefundCreateOptions { PaymentIntent = record.PaymentIntentId, Amount = 1000 });
        var failed = With(Stripe.RefundJson(refund.Id), o =>
        {
            o["status"] = "failed";
            o["failure_reason"] = "expired_or_canceled_card";
        });
        var pending = With(Stripe.RefundJson(refund.Id), o => o["status"] = "pending");

        // Stripe sent refund.created first, but it arrives after refund.updated.
        Assert.Equal(HttpStatusCode.OK, (await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.updated", failed))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("refund.created", pending))).StatusCode);

        await using var db = Db();
        var row = await db.Refunds.SingleAsync();
        Assert.Equal("failed", row.Status);
        Assert.Equal(refund.Id, row.StripeRefundId);
        Assert.Equal("expired_or_canceled_card", row.FailureMessage);
        var after = await RecordAsync();
        Assert.Equal(0, after.RefundedMinor);
        Assert.Equal(PaymentStatus.Succeeded, after.Status);
        Assert.Contains(await TimelineAsync(), e => e.Note.Contains($"refund {refund.Id} pending; kept failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_Webhook_DisputeOpenedThenWon_MovesToDisputedAndBack()
    {
        var (_, record) = await PayAsync("ctoken_pm_card_createDispute");
        string Dispute(string status) => new JsonObject
        {
            ["id"] = "dp_test_1",
            ["object"] = "dispute",
            ["amount"] = record.AmountMinor,
            ["currency"] = "eur",
            ["charge"] = record.ChargeId,
            ["payment_intent"] = record.PaymentIntentId,
            ["reason"] = "fraudulent",
            ["status"] = status,
            ["livemode"] = false,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        }.ToJsonString();

        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("charge.dispute.created", Dispute("needs_response")));
        Assert.Equal(PaymentStatus.Disputed, (await RecordAsync()).Status);

        await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("charge.dispute.closed", Dispute("won")));
        Assert.Equal(PaymentStatus.Succeeded, (await RecordAsync()).Status);
        Assert.Equal(2, (await TimelineAsync()).Count(e => e.Note.Contains("Dispute dp_test_1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Post_Webhook_UnhandledType_Returns200StoredAndIgnored()
    {
        var response = await Stripe2Shop.DeliverAsync(Stripe.SignedEvent("customer.created", "{\"id\":\"cus_1\",\"object\":\"customer\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", Assert.Single(await EventsAsync()).Outcome);
    }

    [Fact]
    public async Task Post_Webhook_NoSigningSecretConfigured_Returns503AndStoresNothing()
    {
        SkipLedgerCheck("Stripe's news of the payment is refused or has no record here; the reconciler would settle it later");
        await using var unsigned = new ShopFactory(Stripe, new Dictionary<string, string?> { ["Stripe:WebhookSecret"] = "" }, environment: "Development");
        var (_, record) = await PayAsync("ctoken_test_processing");
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "succeeded");

        var response = await unsigned.CreateBrowserClient().DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(record.PaymentIntentId!)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await EventsAsync());
        Assert.Equal(PaymentStatus.Processing, (await RecordAsync()).Status);
    }
}
