using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CoffeeShop.Web.Tests.Messaging;

/// <summary>
/// Every message the shop owes reaches a real SMTP server (smtp4dev) once, with the right recipient,
/// subject and links: what the customer reads after paying, shipping, a refund, a delayed or failed
/// payment, and the admins' alert.
/// </summary>
public class EmailDeliveryTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Shop = "https://localhost";

    /// <summary>Sends everything due, as one instance's dispatcher does on its timer.</summary>
    private async Task DispatchAsync(ShopFactory? factory = null)
    {
        var dispatcher = (factory ?? Factory).Services.GetRequiredService<OutboxDispatcher>();
        while (await dispatcher.DispatchOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    private async Task<(Shopper Shopper, Order Order)> PaidOrderAsync(string email, string token = ConfirmationTokens.Visa)
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 2);
        await shopper.PayAsync(token, email);
        await using var db = Db();
        return (shopper, await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Email == email));
    }

    private async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var db = Db();
        return await db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    /// <summary>Exactly the messages to <paramref name="recipient"/>, after giving smtp4dev time to show any extra one.</summary>
    private static async Task<IReadOnlyList<ReceivedMessage>> ReceivedAsync(string recipient, int expected)
    {
        await Smtp4Dev.WaitForAsync(recipient, expected);
        await Task.Delay(300);
        return await Smtp4Dev.MessagesToAsync(recipient);
    }

    private static async Task<(HttpResponseMessage Response, IDocument Page)> AdminStepAsync(HttpClient admin, long orderId, string form, Dictionary<string, string?>? values = null)
    {
        var page = await admin.GetDocumentAsync($"/Admin/Orders/{orderId}");
        var response = await admin.SubmitAsync(page.Form(form), values);
        return (response, await HtmlForms.ParseAsync(response));
    }

    [Fact]
    public async Task Checkout_Paid_OneConfirmationWithLinesAddressTotalsVatAndLinks()
    {
        var email = Smtp4Dev.NewAddress();
        var (_, order) = await PaidOrderAsync(email);

        await DispatchAsync();
        await DispatchAsync();

        var message = Assert.Single(await ReceivedAsync(email, 1));
        Assert.Equal($"Order {order.Reference} is confirmed", message.Subject);
        Assert.Equal("orders@coffeeshop.test", message.From.Trim('<', '>').Split('<')[^1].TrimEnd('>'));
        var html = await Smtp4Dev.HtmlAsync(message);
        var text = await Smtp4Dev.PlainTextAsync(message);
        foreach (var body in new[] { WebUtility.HtmlDecode(html), text })
        {
            Assert.Contains($"{Shop}/Orders/{order.PublicId}", body, StringComparison.Ordinal);
            Assert.Contains($"{Shop}/Orders/{order.PublicId}/Invoice", body, StringComparison.Ordinal);
            Assert.Contains("Kiambu AA", body, StringComparison.Ordinal);
            Assert.Contains("€38.70", body, StringComparison.Ordinal);
            Assert.Contains("€4.90", body, StringComparison.Ordinal);
            Assert.Contains("Includes VAT 7", body, StringComparison.Ordinal);
            Assert.Contains("10115", body, StringComparison.Ordinal);
            Assert.Contains("CoffeeShop", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("lang=\"en\"", html, StringComparison.Ordinal);
        var row = Assert.Single(await OutboxAsync());
        Assert.Equal((MessageKind.OrderConfirmation, OutboxStatus.Sent, 1), (row.Kind, row.Status, row.Attempts));
        Assert.NotNull(row.SentAt);
        Assert.Contains($"Message-ID: <outbox-{row.Id}@coffeeshop.test>", await Smtp4Dev.SourceAsync(message), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Checkout_Declined_WhileTheCustomerWatches_SendsNothing()
    {
        var email = Smtp4Dev.NewAddress();
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync("kiambu-aa", 1);

        await shopper.PayAsync(ConfirmationTokens.Declined, email);
        await DispatchAsync();

        // The checkout page told them; an email would say it twice.
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task AdminShips_OneShippedMessageWithCarrierTrackingNumberAndLink()
    {
        var email = Smtp4Dev.NewAddress();
        var (_, order) = await PaidOrderAsync(email);
        var admin = await AdminSession.SignInAsync(Factory);
        await AdminStepAsync(admin, order.Id, "#pack-form");

        var (shipped, _) = await AdminStepAsync(admin, order.Id, "#ship-form",
            new() { ["Step.Carrier"] = "DHL", ["Step.TrackingNumber"] = "JD0123456789" });
        await DispatchAsync();

        Assert.Equal(HttpStatusCode.SeeOther, shipped.StatusCode);
        var messages = await ReceivedAsync(email, 2);
        var message = Assert.Single(messages, m => m.Subject == $"Order {order.Reference} has shipped");
        Assert.Equal(2, messages.Count);
        var html = WebUtility.HtmlDecode(await Smtp4Dev.HtmlAsync(message));
        Assert.Contains("DHL", html, StringComparison.Ordinal);
        Assert.Contains("JD0123456789", html, StringComparison.Ordinal);
        Assert.Contains("https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?tracking-id=JD0123456789", html, StringComparison.Ordinal);
        Assert.Contains("tracking-id=JD0123456789", await Smtp4Dev.PlainTextAsync(message), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminRefunds_OneRefundMessageWithTheAmountAndTheCreditNote()
    {
        var email = Smtp4Dev.NewAddress();
        var (_, order) = await PaidOrderAsync(email);
        await DispatchAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        long recordId;
        await using (var db = Db())
        {
            recordId = await db.PaymentRecords.Where(p => p.OrderId == order.Id).Select(p => p.Id).SingleAsync();
        }

        var page = await admin.GetDocumentAsync($"/Admin/Payments/{recordId}");
        var refunded = await admin.SubmitAsync(page.Form("#refund-form"), new Dictionary<string, string?> { ["Refund.Reason"] = "requested_by_customer" });
        await DispatchAsync();

        Assert.Equal(HttpStatusCode.SeeOther, refunded.StatusCode);
        var messages = await ReceivedAsync(email, 2);
        var message = Assert.Single(messages, m => m.Subject == $"Refund of €38.70 for order {order.Reference}");
        Assert.Equal(2, messages.Count);
        var html = WebUtility.HtmlDecode(await Smtp4Dev.HtmlAsync(message));
        Assert.Contains($"{Shop}/Orders/{order.PublicId}/CreditNotes/1", html, StringComparison.Ordinal);
        Assert.Contains("CN-000001", html, StringComparison.Ordinal);
        Assert.Contains($"{Shop}/Orders/{order.PublicId}/CreditNotes/1", await Smtp4Dev.PlainTextAsync(message), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelayedPayment_ProcessingThenFailedAfterTheCustomerLeft_TwoMessagesTheSecondWithATryAgainLink()
    {
        var email = Smtp4Dev.NewAddress();
        var (_, order) = await PaidOrderAsync(email, ConfirmationTokens.Processing);
        PaymentRecord record;
        await using (var db = Db())
        {
            record = await db.PaymentRecords.SingleAsync(p => p.OrderId == order.Id);
        }

        Assert.Equal(PaymentStatus.Processing, record.Status);
        await DispatchAsync();
        var processing = Assert.Single(await ReceivedAsync(email, 1));
        Assert.Equal($"Your payment for order {order.Reference} is being processed", processing.Subject);

        // Hours later the bank says no; the customer is long gone.
        Stripe.SetPaymentIntentStatus(record.PaymentIntentId!, "requires_payment_method");
        var failedIntent = JsonNode.Parse(Stripe.PaymentIntentJson(record.PaymentIntentId!))!.AsObject();
        failedIntent["status"] = "requires_payment_method";
        failedIntent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "generic_decline", ["message"] = "Your card was declined." };
        var delivered = await Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("payment_intent.payment_failed", failedIntent.ToJsonString()));
        await DispatchAsync();

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        var messages = await ReceivedAsync(email, 2);
        Assert.Equal(2, messages.Count);
        var failed = Assert.Single(messages, m => m.Subject == $"The payment for order {order.Reference} did not go through");
        Assert.Contains($"{Shop}/Cart", await Smtp4Dev.HtmlAsync(failed), StringComparison.Ordinal);
        Assert.Contains($"Try the payment again: {Shop}/Cart", await Smtp4Dev.PlainTextAsync(failed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disputes_AlertTheAdminsOnceForAllOfThem_AndAFurtherOneWaitsForTheInterval()
    {
        var adminEmail = Smtp4Dev.NewAddress("admin");
        await AdminSession.CreateUserAsync(Factory, adminEmail, admin: true);
        var first = await PaidOrderAsync(Smtp4Dev.NewAddress());
        var second = await PaidOrderAsync(Smtp4Dev.NewAddress());
        var third = await PaidOrderAsync(Smtp4Dev.NewAddress());
        await DisputeAsync(first.Order.Id);
        await DisputeAsync(second.Order.Id);

        await DispatchAsync();

        var alert = Assert.Single(await ReceivedAsync(adminEmail, 1));
        Assert.Equal("2 payments need attention at CoffeeShop", alert.Subject);
        var html = WebUtility.HtmlDecode(await Smtp4Dev.HtmlAsync(alert));
        Assert.Contains(first.Order.Reference, html, StringComparison.Ordinal);
        Assert.Contains(second.Order.Reference, html, StringComparison.Ordinal);
        Assert.Contains($"{Shop}/Admin/Payments?attention=true", html, StringComparison.Ordinal);

        // A third dispute right after: its alert waits for the interval instead of going out now.
        await DisputeAsync(third.Order.Id);
        await DispatchAsync();

        Assert.Single(await ReceivedAsync(adminEmail, 1));
        var waiting = Assert.Single(await OutboxAsync(), m => m is { Kind: MessageKind.AdminAlert, Status: OutboxStatus.Pending });
        Assert.Equal(0, waiting.Attempts);
        var sent = Assert.Single(await OutboxAsync(), m => m is { Kind: MessageKind.AdminAlert, Status: OutboxStatus.Sent });
        Assert.Equal(sent.SentAt!.Value.AddMinutes(15), waiting.NextAttemptAt, TimeSpan.FromSeconds(1));
        SkipLedgerCheck("The disputes are made by FinalizePayment directly; the fake Stripe has no dispute objects to agree with.");
    }

    private async Task DisputeAsync(long orderId)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        await using var db = Db();
        var recordId = await db.PaymentRecords.Where(p => p.OrderId == orderId).Select(p => p.Id).SingleAsync();
        await scope.ServiceProvider.GetRequiredService<FinalizePayment>().ApplyDisputeAsync(recordId, $"dp_{orderId}", "needs_response", closed: false, "webhook test", CancellationToken.None);
    }
}
