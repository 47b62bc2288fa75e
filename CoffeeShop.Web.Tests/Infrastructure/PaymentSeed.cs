using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>Writes orders with one payment record each straight into the database, for the admin pages' tests.</summary>
public static class PaymentSeed
{
    public static async Task<PaymentRecord> AddAsync(AppDbContext db, DateTimeOffset createdAt, PaymentStatus status = PaymentStatus.Succeeded,
        long amount = 2500, string email = "buyer@example.com", string? paymentIntentId = null, long refunded = 0,
        string items = "1 × Kiambu AA", string currency = "EUR", DateTimeOffset? updatedAt = null)
    {
        var productId = await db.Products.Where(p => p.Stock > 0).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        var order = new Order
        {
            PublicId = Guid.NewGuid().ToString("N"),
            CheckoutId = Guid.NewGuid(),
            CartId = Guid.NewGuid(),
            CartFingerprint = "seed",
            Email = email,
            Status = PaymentStatusRules.IsPaid(status) ? OrderStatus.Paid : OrderStatus.AwaitingPayment,
            TotalMinor = amount,
            SubtotalMinor = amount,
            Currency = currency,
            CreatedAt = createdAt,
            Lines = [new OrderLine { ProductId = productId, ProductName = "Kiambu AA", UnitPriceMinor = amount, Quantity = 1, LineTotalMinor = amount }],
        };
        db.Orders.Add(order);
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (order.Status == OrderStatus.Paid)
        {
            order.PaidAt = createdAt;
            order.Fulfilment = FulfilmentStatus.ToPack;
        }

        await db.SaveChangesAsync();
        var record = new PaymentRecord
        {
            OrderId = order.Id,
            Attempt = 1,
            Status = status,
            AmountMinor = amount,
            Currency = currency,
            CustomerEmail = email,
            ItemsSummary = items,
            PaymentIntentId = paymentIntentId ?? $"pi_seed_{order.Id}",
            ChargeId = $"ch_seed_{order.Id}",
            CardBrand = "visa",
            CardLast4 = "4242",
            StockReservation = order.Status == OrderStatus.Paid ? StockReservation.Sold : StockReservation.None,
            RefundedMinor = refunded,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt ?? createdAt,
        };
        db.PaymentRecords.Add(record);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return record;
    }
}
