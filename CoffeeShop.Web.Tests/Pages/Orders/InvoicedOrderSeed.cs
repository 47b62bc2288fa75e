using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Orders;

/// <summary>
/// A paid order written straight into the database, with lines at the given VAT rates and shipping at its own
/// rate, and succeeded refunds: the database's triggers number the invoice and the credit notes as they
/// would. For documents the checkout cannot make yet (several VAT rates in one order).
/// </summary>
public static class InvoicedOrderSeed
{
    public static async Task<Order> AddAsync(AppDbContext db, DateTimeOffset paidAt, (long Gross, int Rate)[] lines, (long Gross, int Rate) shipping,
        params (long Amount, DateTimeOffset At)[] refunds)
    {
        var productId = await db.Products.Select(p => p.Id).FirstAsync();
        var subtotal = lines.Sum(l => l.Gross);
        var order = new Order
        {
            PublicId = Guid.NewGuid().ToString("N"),
            CheckoutId = Guid.NewGuid(),
            CartId = Guid.NewGuid(),
            CartFingerprint = "seed",
            Email = "grace@example.com",
            Status = OrderStatus.Paid,
            SubtotalMinor = subtotal,
            ShippingMinor = shipping.Gross,
            ShippingVatRateBasisPoints = shipping.Rate,
            TotalMinor = subtotal + shipping.Gross,
            Currency = "EUR",
            CreatedAt = paidAt.AddMinutes(-1),
            PaidAt = paidAt,
            Fulfilment = FulfilmentStatus.ToPack,
            Lines = [.. lines.Select((l, i) => new OrderLine
            {
                ProductId = productId,
                ProductName = $"Coffee {i + 1}",
                UnitPriceMinor = l.Gross,
                Quantity = 1,
                LineTotalMinor = l.Gross,
                VatRateBasisPoints = l.Rate,
            })],
        };
        order.SetShipTo(new ShippingAddress("Grace Hopper", "Arlington Street 1", null, "1000", "Brussels", "BE", null));
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        var record = new PaymentRecord
        {
            OrderId = order.Id,
            Attempt = 1,
            Status = refunds.Length == 0 ? PaymentStatus.Succeeded : PaymentStatus.PartiallyRefunded,
            AmountMinor = order.TotalMinor,
            Currency = "EUR",
            CustomerEmail = order.Email,
            ItemsSummary = "seeded",
            PaymentIntentId = $"pi_seed_{order.Id}",
            ChargeId = $"ch_seed_{order.Id}",
            CardBrand = "mastercard",
            CardLast4 = "4444",
            // The payment that paid the order sold its bags (refunds of it get credit notes).
            StockReservation = StockReservation.Sold,
            RefundedMinor = refunds.Sum(r => r.Amount),
            CreatedAt = paidAt,
            UpdatedAt = paidAt,
        };
        db.PaymentRecords.Add(record);
        await db.SaveChangesAsync();
        foreach (var (amount, at) in refunds)
        {
            db.Refunds.Add(new Refund
            {
                Id = Guid.NewGuid(),
                PaymentRecordId = record.Id,
                StripeRefundId = $"re_seed_{Guid.NewGuid():N}",
                AmountMinor = amount,
                Currency = "EUR",
                Status = RefundStatusRules.Succeeded,
                Source = "stripe",
                CreatedAt = at,
                UpdatedAt = at,
            });
            await db.SaveChangesAsync();
        }

        return order;
    }
}
