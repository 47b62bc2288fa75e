using System.Net;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Payments;

/// <summary>
/// Money that arrives when the shop did not expect it — an old, declined PaymentIntent confirmed again
/// from an old tab after the order was paid or replaced, or after its bags were given back — is never
/// silently taken as payment: it pays the order only when the order still waits and its bags are there,
/// and otherwise waits for an admin as NeedsAttention with the reason.
/// </summary>
public class DuplicatePaymentTests(ShopFixture fixture) : PaymentTest(fixture)
{
    private const string Visa = "ctoken_pm_card_visa";
    private const string Declined = "ctoken_pm_card_visa_chargeDeclined";
    private const string Slug = "kiambu-aa";

    private async Task<List<PaymentRecord>> RecordsAsync()
    {
        await using var db = Db();
        return await db.PaymentRecords.Include(p => p.Order).OrderBy(p => p.Id).ToListAsync();
    }

    private async Task<(int Stock, int Reserved)> StockAsync()
    {
        await using var db = Db();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Slug == Slug);
        return (product.Stock, product.Reserved);
    }

    private Task SetStockAsync(int stock) => Fixture.SetStockAsync(Slug, stock);

    /// <summary>The declined PaymentIntent succeeds after all (confirmed again from an old tab) and Stripe says so.</summary>
    private async Task DeclinedIntentSucceedsLaterAsync(string paymentIntentId)
    {
        Stripe.SetPaymentIntentStatus(paymentIntentId, "succeeded");
        var delivered = await Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", Stripe.PaymentIntentJson(paymentIntentId)));
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
    }

    private async Task<(Shopper Shopper, PaymentRecord Declined)> DeclinedFirstAsync(int quantity = 1)
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync(Slug, quantity);
        await shopper.PayAsync(Declined);
        return (shopper, Assert.Single(await RecordsAsync()));
    }

    [Fact]
    public async Task Webhook_SuccessOfAnOldAttemptOnAnOrderAlreadyPaid_IsADuplicateNeedingAttention()
    {
        var (shopper, declined) = await DeclinedFirstAsync();
        await shopper.PayAsync(Visa);
        var afterTheSale = await StockAsync();

        await DeclinedIntentSucceedsLaterAsync(declined.PaymentIntentId!);

        var records = await RecordsAsync();
        Assert.Equal([PaymentStatus.NeedsAttention, PaymentStatus.Succeeded], records.Select(r => r.Status));
        Assert.StartsWith(AttentionReasons.DuplicatePayment, records[0].AttentionReason, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Paid, records[1].Order!.Status);
        // The bag was sold once: the duplicate takes nothing more from stock.
        Assert.Equal(afterTheSale, await StockAsync());
    }

    [Fact]
    public async Task Webhook_SuccessOfAnAttemptOfAnAbandonedOrder_IsADuplicateNeedingAttention()
    {
        var (shopper, declined) = await DeclinedFirstAsync();
        await shopper.AddToCartAsync("huila-el-mirador", 1);
        await shopper.PayAsync(Visa);

        await DeclinedIntentSucceedsLaterAsync(declined.PaymentIntentId!);

        var records = await RecordsAsync();
        Assert.Equal(OrderStatus.Abandoned, records[0].Order!.Status);
        Assert.Equal(PaymentStatus.NeedsAttention, records[0].Status);
        Assert.StartsWith(AttentionReasons.DuplicatePayment, records[0].AttentionReason, StringComparison.Ordinal);
        Assert.Contains("abandoned", records[0].AttentionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_LateMoneyWhileTheBagsAreStillThere_PaysTheOrder()
    {
        var (_, declined) = await DeclinedFirstAsync(quantity: 2);
        var before = await StockAsync();

        await DeclinedIntentSucceedsLaterAsync(declined.PaymentIntentId!);

        var record = Assert.Single(await RecordsAsync());
        Assert.Equal(PaymentStatus.Succeeded, record.Status);
        Assert.Equal(OrderStatus.Paid, record.Order!.Status);
        Assert.Equal(StockReservation.Sold, record.StockReservation);
        Assert.Equal((before.Stock - 2, 0), await StockAsync());
    }

    [Fact]
    public async Task Webhook_LateMoneyAfterTheBagsWereSold_IsPaidButOutOfStockNeedingAttention()
    {
        await SetStockAsync(1);
        var (_, declined) = await DeclinedFirstAsync();
        var other = new Shopper(Factory.CreateBrowserClient());
        await other.AddToCartAsync(Slug, 1);
        await other.PayAsync(Visa);
        Assert.Equal((0, 0), await StockAsync());

        await DeclinedIntentSucceedsLaterAsync(declined.PaymentIntentId!);

        var late = (await RecordsAsync())[0];
        Assert.Equal(PaymentStatus.NeedsAttention, late.Status);
        Assert.StartsWith(AttentionReasons.PaidButOutOfStock, late.AttentionReason, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.AwaitingPayment, late.Order!.Status);
        Assert.Equal((0, 0), await StockAsync());
    }

    [Fact]
    public async Task Webhook_SuccessDeliveredTwice_IsAppliedOnceAndSellsTheBagsOnce()
    {
        var shopper = new Shopper(Factory.CreateBrowserClient());
        await shopper.AddToCartAsync(Slug, 1);
        await shopper.PayAsync("ctoken_pm_card_authenticationRequired_redirect");
        var record = Assert.Single(await RecordsAsync());
        var before = await StockAsync();
        Stripe.CompleteAuthentication(record.PaymentIntentId!, succeed: true);
        var json = Stripe.PaymentIntentJson(record.PaymentIntentId!);

        await Task.WhenAll(
            Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", json)),
            Factory.CreateClient().DeliverAsync(Stripe.SignedEvent("payment_intent.succeeded", json)),
            shopper.Client.GetAsync($"/Checkout/Return?order={record.Order!.PublicId}&payment_intent={record.PaymentIntentId}"));

        Assert.Equal(PaymentStatus.Succeeded, Assert.Single(await RecordsAsync()).Status);
        Assert.Equal((before.Stock - 1, 0), await StockAsync());
    }
}
