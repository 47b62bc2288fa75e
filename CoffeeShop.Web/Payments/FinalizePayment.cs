using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

public sealed record FinalizeResult(long PaymentRecordId, string OrderPublicId, PaymentStatus Status, bool Changed);

/// <summary>
/// The one function that moves a payment record, called by the checkout POST, the return page, the
/// webhook and the reconciler. It locks the record's row, so concurrent callers settle it one after
/// the other; it only moves statuses forward, so a late or repeated report changes nothing; and it
/// refuses to mark paid a PaymentIntent whose order, amount or currency does not match the record.
/// </summary>
public sealed class FinalizePayment(IDbContextFactory<AppDbContext> contexts, TimeProvider clock, ILogger<FinalizePayment> logger)
{
    public async Task<FinalizeResult> ApplyAsync(long paymentRecordId, PaymentIntentSnapshot intent, string source, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = (await db.PaymentRecords
            .FromSql($"SELECT * FROM payment_records WHERE id = {paymentRecordId} FOR UPDATE")
            .ToListAsync(cancellationToken)).Single();
        var order = await db.Orders.SingleAsync(o => o.Id == record.OrderId, cancellationToken);
        var now = clock.GetUtcNow();
        var from = record.Status;

        var mismatch = Mismatch(record, intent);
        var target = mismatch is null ? intent.Status : PaymentStatus.NeedsAttention;
        var changed = PaymentStatusRules.CanMove(from, target);
        if (changed)
        {
            record.Status = target;
            record.AttentionReason = mismatch;
            if (target == PaymentStatus.Failed)
            {
                record.FailureCode = intent.FailureCode;
                record.FailureMessage = Truncate(intent.FailureMessage, 500);
            }

            if (PaymentStatusRules.IsPaid(target) && order.Status != OrderStatus.Paid)
            {
                order.Status = OrderStatus.Paid;
                order.PaidAt = now;
                // The cart has become this order; what stays in it would be bought twice.
                await db.CartItems.Where(i => i.CartId == order.CartId).ExecuteDeleteAsync(cancellationToken);
            }
        }

        if (mismatch is null)
        {
            CopyDetails(record, intent);
        }

        if (from != target)
        {
            record.UpdatedAt = now;
            db.PaymentTimeline.Add(new PaymentTimelineEntry
            {
                PaymentRecordId = record.Id,
                At = now,
                Source = source,
                FromStatus = from,
                ToStatus = changed ? target : null,
                Note = Truncate(changed
                    ? mismatch ?? $"Stripe reports {intent.ProviderStatus}"
                    : $"Stripe reports {intent.ProviderStatus}; kept {from} (statuses only move forward)", 500)!,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (changed)
        {
            logger.LogInformation("Payment {PaymentRecordId} for order {OrderId} moved {From} -> {To} ({Source}, {PaymentIntentId})",
                record.Id, record.OrderId, from, target, source, intent.Id);
        }

        return new FinalizeResult(record.Id, order.PublicId, record.Status, changed);
    }

    /// <summary>Why this PaymentIntent cannot be the one this record paid for, or null when it is.</summary>
    private static string? Mismatch(PaymentRecord record, PaymentIntentSnapshot intent)
    {
        var orderId = record.OrderId.ToString(CultureInfo.InvariantCulture);
        if (intent.Id is not null && record.PaymentIntentId is not null && intent.Id != record.PaymentIntentId)
        {
            return $"PaymentIntent {intent.Id} is not this record's {record.PaymentIntentId}";
        }

        if (intent.OrderIdMetadata != orderId)
        {
            return $"PaymentIntent {intent.Id} is for order {intent.OrderIdMetadata ?? "(none)"}, not {orderId}";
        }

        if (intent.Amount != record.AmountMinor || !string.Equals(intent.Currency, record.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return $"PaymentIntent {intent.Id} is for {new Money(intent.Amount, intent.Currency.ToUpperInvariant())}, the order is {record.Amount}";
        }

        return null;
    }

    private static void CopyDetails(PaymentRecord record, PaymentIntentSnapshot intent)
    {
        record.PaymentIntentId ??= intent.Id;
        record.ChargeId = intent.ChargeId ?? record.ChargeId;
        record.CardBrand = intent.CardBrand ?? record.CardBrand;
        record.CardLast4 = intent.CardLast4 ?? record.CardLast4;
        record.Livemode = intent.Livemode;
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
