using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Xunit.Sdk;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>The ledger check itself: quiet when the books agree, and a clear list of what is wrong when they do not.</summary>
public sealed class LedgerAssertionsTests(ShopFixture fixture) : ShopTest(fixture)
{
    [Fact]
    public async Task AssertAgrees_FreshlySeededShop_Passes()
    {
        await Ledger.AssertAgreesAsync(Fixture);
    }

    [Fact]
    public async Task AssertAgrees_SaleAndRunningAttemptThatAddUp_Passes()
    {
        var (sold, _) = await SeedPaymentAsync(PaymentStatus.Succeeded, StockReservation.Sold, quantityTakenFromStock: 1);
        await SeedPaymentAsync(PaymentStatus.Pending, StockReservation.Held, quantityReserved: 1, createIntent: false);
        await using (var db = Db())
        {
            Assert.Equal(OrderStatus.Paid, (await db.Orders.SingleAsync(o => o.Id == sold.OrderId)).Status);
        }

        await Ledger.AssertAgreesAsync(Fixture);
    }

    [Fact]
    public async Task AssertAgrees_SucceededPaymentIntentWithoutARecord_FailsNamingIt()
    {
        var orphan = Stripe.CreatePaymentIntentDirectly(1450, "eur", new Dictionary<string, string> { ["order_id"] = "999", ["attempt"] = "1" });

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains($"{orphan.Id} (succeeded, 1450 eur, order_id=999, attempt=1) has no payment record.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_StockChangedBehindItsBack_FailsWithTheExpectedFigure()
    {
        await ShopFixture.BehindTheLedgerAsync("UPDATE products SET stock = 24 WHERE slug = 'kiambu-aa'");

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains("'kiambu-aa' shows 24 on hand and 0 reserved, but its ledger sums to 25 and 0.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_RestockAsAMovement_Passes()
    {
        await Fixture.SetStockAsync("decaf-sierra", 12);

        await Ledger.AssertAgreesAsync(Fixture);
    }

    [Fact]
    public async Task AssertAgrees_SaleWithoutItsMovement_FailsNamingTheOrder()
    {
        var (record, _) = await SeedPaymentAsync(PaymentStatus.Succeeded, StockReservation.Sold);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains($"Order {record.OrderId} (Sold) moved product", failure.Message, StringComparison.Ordinal);
        Assert.Contains("by 0 on hand and 0 reserved; expected -1 and 0.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_ReservedWithoutAnAttemptHoldingIt_Fails()
    {
        await ShopFixture.BehindTheLedgerAsync("UPDATE products SET reserved = 2 WHERE slug = 'huila-el-mirador'");

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains("'huila-el-mirador' has 2 reserved, but attempts holding stock hold 0.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_PaidOrderWithoutMoneyAtStripe_Fails()
    {
        var record = await SeedPaymentAsync(PaymentStatus.Succeeded, StockReservation.Sold, quantityTakenFromStock: 1, createIntent: false);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains($"Order {record.Record.OrderId} is Paid, but no succeeded PaymentIntent at Stripe stands behind its records", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_RefundedAmountsApart_Fails()
    {
        var (record, intent) = await SeedPaymentAsync(PaymentStatus.PartiallyRefunded, StockReservation.Sold, quantityTakenFromStock: 1, refunded: 500);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains($"record {record.Id} (order {record.OrderId} attempt 1, PartiallyRefunded, stock Sold, {intent!.Id}) has 500 refunded, but Stripe refunded 0",
            failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_SeveralDisagreements_ListsEveryOne()
    {
        Stripe.CreatePaymentIntentDirectly(1450, "eur", new Dictionary<string, string> { ["order_id"] = "999", ["attempt"] = "1" });
        await ShopFixture.BehindTheLedgerAsync("UPDATE products SET stock = 20, reserved = 1 WHERE slug = 'kiambu-aa'");

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains("The shop's ledger disagrees with Stripe or its stock (3):", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, failure.Message.Split('\n').Count(line => line.StartsWith("  - ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// An order of one bag (<see cref="PaymentSeed"/>) with one attempt, written straight into the database, with a
    /// succeeded PaymentIntent at Stripe when asked, and the stock movements the attempt's payment makes.
    /// </summary>
    private async Task<(PaymentRecord Record, FakePaymentIntent? Intent)> SeedPaymentAsync(
        PaymentStatus status,
        StockReservation reservation,
        int quantityTakenFromStock = 0,
        int quantityReserved = 0,
        bool createIntent = true,
        long refunded = 0)
    {
        var intent = createIntent ? Stripe.CreatePaymentIntentDirectly(1690, "eur", new Dictionary<string, string>()) : null;
        await using var db = Db();
        var record = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow, status, amount: 1690, paymentIntentId: intent?.Id, refunded: refunded);
        var productId = await db.OrderLines.Where(l => l.OrderId == record.OrderId).Select(l => l.ProductId).SingleAsync();
        await db.PaymentRecords.Where(r => r.Id == record.Id).ExecuteUpdateAsync(r => r.SetProperty(x => x.StockReservation, reservation));
        if (quantityTakenFromStock > 0)
        {
            db.StockMovements.Add(new StockMovement { ProductId = productId, OnHandDelta = -quantityTakenFromStock, Reason = StockMovementReason.Sale, OrderId = record.OrderId });
        }

        if (quantityReserved > 0)
        {
            db.StockMovements.Add(new StockMovement { ProductId = productId, ReservedDelta = quantityReserved, Reason = StockMovementReason.Reservation, OrderId = record.OrderId });
        }

        await db.SaveChangesAsync();
        record.StockReservation = reservation;
        return (record, intent);
    }
}
