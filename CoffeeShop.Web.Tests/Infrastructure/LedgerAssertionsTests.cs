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
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(p => p.SetProperty(x => x.Stock, 24));
        }

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains("'kiambu-aa' has stock 24, but started with 25 and 0 sold: expected 25.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssertAgrees_RestockRecordedInTheBaseline_Passes()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "decaf-sierra").ExecuteUpdateAsync(p => p.SetProperty(x => x.Stock, 12));
        }

        Fixture.StockBaseline.Set("decaf-sierra", 12);

        await Ledger.AssertAgreesAsync(Fixture);
    }

    [Fact]
    public async Task AssertAgrees_ReservedWithoutAnAttemptHoldingIt_Fails()
    {
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "huila-el-mirador").ExecuteUpdateAsync(p => p.SetProperty(x => x.Reserved, 2));
        }

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
        await using (var db = Db())
        {
            await db.Products.Where(p => p.Slug == "kiambu-aa").ExecuteUpdateAsync(p => p.SetProperty(x => x.Stock, 20).SetProperty(x => x.Reserved, 1));
        }

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => Ledger.AssertAgreesAsync(Fixture));

        Assert.Contains("The shop's ledger disagrees with Stripe or its stock (3):", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, failure.Message.Split('\n').Count(line => line.StartsWith("  - ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// An order of one bag (<see cref="PaymentSeed"/>) with one attempt, written straight into the database, with a
    /// succeeded PaymentIntent at Stripe when asked, and the product's stock moved as the attempt says.
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
        await db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(p => p
            .SetProperty(x => x.Stock, x => x.Stock - quantityTakenFromStock)
            .SetProperty(x => x.Reserved, x => x.Reserved + quantityReserved));
        record.StockReservation = reservation;
        return (record, intent);
    }
}
