using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// The one function that moves a payment record, called by the checkout POST, the return page, the
/// webhook, the reconciler and the admin pages. It locks the record's row, so concurrent callers settle
/// it one after the other; it only moves statuses forward, so a late or repeated report changes
/// nothing but the timeline; and it refuses to mark paid a PaymentIntent whose order, amount or
/// currency does not match the record.
/// </summary>
public sealed class FinalizePayment(IDbContextFactory<AppDbContext> contexts, TimeProvider clock, ILogger<FinalizePayment> logger)
{
    private sealed record Decision(PaymentStatus Target, string Note, bool AlwaysNote = false)
    {
        /// <summary>A stock move the decision itself asks for (besides those its status change brings).</summary>
        public StockMove Stock { get; init; }
    }

    /// <summary>Settles a record from what Stripe says of its PaymentIntent.</summary>
    public Task<FinalizeResult> ApplyAsync(long paymentRecordId, PaymentIntentSnapshot intent, string source, CancellationToken cancellationToken) =>
        MoveAsync(paymentRecordId, source, (_, record) =>
        {
            if (Mismatch(record, intent) is { } mismatch)
            {
                record.AttentionReason = Truncate(mismatch);
                return Task.FromResult(new Decision(PaymentStatus.NeedsAttention, mismatch));
            }

            CopyDetails(record, intent);
            var target = intent.Status;
            if (target == PaymentStatus.Failed && PaymentStatusRules.CanMove(record.Status, target))
            {
                record.FailureCode = intent.FailureCode;
                record.FailureMessage = Truncate(intent.FailureMessage);
            }

            if (target == PaymentStatus.Succeeded)
            {
                record.RefundedMinor = Math.Min(record.AmountMinor, Math.Max(record.RefundedMinor, intent.AmountRefunded));
                target = AfterRefunds(record);
            }

            return Task.FromResult(new Decision(target, $"Stripe reports {intent.ProviderStatus}"));
        }, cancellationToken);

    /// <summary>
    /// An attempt Stripe never received (proven by reading its creation window): Failed, so its stock goes
    /// back — but only if, under the record's lock, it is still Pending with no PaymentIntent; a webhook or
    /// the return page that settled it meanwhile wins.
    /// </summary>
    public Task<FinalizeResult> FailNeverReachedAsync(long paymentRecordId, string source, CancellationToken cancellationToken) =>
        MoveAsync(paymentRecordId, source, (_, record) =>
        {
            if (record is not { Status: PaymentStatus.Pending, PaymentIntentId: null })
            {
                return Task.FromResult(new Decision(record.Status, "Stripe's list showed no PaymentIntent, but the record had moved meanwhile; left as is"));
            }

            record.FailureCode = "no_payment_intent";
            record.FailureMessage = "Stripe never received this payment attempt.";
            return Task.FromResult(new Decision(PaymentStatus.Failed, "Stripe has no PaymentIntent for this attempt (every PaymentIntent of its creation window read)"));
        }, cancellationToken);

    /// <summary>An attempt whose absence at Stripe could not be proven either way: an admin decides, nothing is guessed.</summary>
    public Task<FinalizeResult> MarkUnprovenAsync(long paymentRecordId, string why, string source, CancellationToken cancellationToken) =>
        MoveAsync(paymentRecordId, source, (_, record) =>
        {
            if (record is not { Status: PaymentStatus.Pending, PaymentIntentId: null })
            {
                return Task.FromResult(new Decision(record.Status, $"{why}; the record had moved meanwhile, left as is"));
            }

            record.AttentionReason = Truncate(why);
            return Task.FromResult(new Decision(PaymentStatus.NeedsAttention, why));
        }, cancellationToken);

    /// <summary>An admin's refund that puts the order's bags back on the shelf: only bags this payment sold, and only once.</summary>
    public Task<FinalizeResult> ReturnToStockAsync(long paymentRecordId, string source, CancellationToken cancellationToken) =>
        MoveAsync(paymentRecordId, source, (_, record) =>
        {
            if (record.StockReservation != StockReservation.Sold)
            {
                return Task.FromResult(new Decision(record.Status, $"Nothing returned to stock: this payment's bags are {record.StockReservation}", AlwaysNote: true));
            }

            record.StockReservation = StockReservation.Returned;
            return Task.FromResult(new Decision(record.Status, "The order's bags returned to stock", AlwaysNote: true) { Stock = StockMove.Return });
        }, cancellationToken);

    /// <summary>Records refunds (made by the shop or in the Stripe Dashboard) and the refunded total.</summary>
    public Task<FinalizeResult> ApplyRefundsAsync(long paymentRecordId, IReadOnlyList<RefundSnapshot> refunds, long? chargeAmountRefunded,
        string source, CancellationToken cancellationToken) =>
        MoveAsync(paymentRecordId, source, async (db, record) =>
        {
            foreach (var refund in refunds)
            {
                await UpsertRefundAsync(db, record, refund, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            var counted = await db.Refunds.Where(r => r.PaymentRecordId == record.Id && (r.Status == "succeeded" || r.Status == "pending"))
                .SumAsync(r => r.AmountMinor, cancellationToken);
            // Refunded money never shrinks here: a refund that fails later is kept in the refunds table for an admin.
            record.RefundedMinor = Math.Min(record.AmountMinor, Math.Max(record.RefundedMinor, Math.Max(counted, chargeAmountRefunded ?? 0)));
            var target = PaymentStatusRules.IsPaid(record.Status) ? AfterRefunds(record) : record.Status;
            return new Decision(target, $"Refunded {record.Refunded} of {record.Amount}", AlwaysNote: refunds.Count > 0);
        }, cancellationToken);

    /// <summary>A dispute opened moves a paid record to Disputed; closed in the shop's favour, it goes back.</summary>
    public Task<FinalizeResult> ApplyDisputeAsync(long paymentRecordId, string disputeId, string disputeStatus, bool closed,
        string source, CancellationToken cancellationToken) =>
        MoveAsync(paymentRecordId, source, (_, record) =>
        {
            var won = closed && disputeStatus is "won" or "warning_closed";
            var target = !PaymentStatusRules.IsPaid(record.Status) ? record.Status
                : won ? PaymentStatusRules.AfterRefunds(record.AmountMinor, record.RefundedMinor)
                : PaymentStatus.Disputed;
            return Task.FromResult(new Decision(target, $"Dispute {disputeId} {(closed ? "closed" : "opened")}: {disputeStatus}", AlwaysNote: true));
        }, cancellationToken);

    private async Task<FinalizeResult> MoveAsync(long paymentRecordId, string source,
        Func<AppDbContext, PaymentRecord, Task<Decision>> decide, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The record and its order locked and read in one round trip: two attempts of one order settle one after the other.
        var record = (await db.PaymentRecords
            .FromSql($"SELECT payment_records.* FROM payment_records JOIN orders ON orders.id = payment_records.order_id WHERE payment_records.id = {paymentRecordId} FOR UPDATE")
            .Include(r => r.Order)
            .ToListAsync(cancellationToken)).Single();
        var order = record.Order!;
        var now = clock.GetUtcNow();
        var from = record.Status;
        var orderWas = order.Status;

        var decision = await decide(db, record);
        var stock = decision.Stock;
        if (PaymentStatusRules.CanMove(from, decision.Target) && PaymentStatusRules.IsPaid(decision.Target) && !PaymentStatusRules.IsPaid(from))
        {
            (decision, stock) = await TakeTheMoneyAsync(db, record, order, decision, now, cancellationToken);
        }

        var changed = PaymentStatusRules.CanMove(from, decision.Target);
        if (changed)
        {
            record.Status = decision.Target;
            if (decision.Target is PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.NeedsAttention
                && record.StockReservation == StockReservation.Held)
            {
                stock = StockMove.Release;
                record.StockReservation = StockReservation.Released;
            }
        }

        if (from != decision.Target || decision.AlwaysNote)
        {
            record.UpdatedAt = now;
            db.PaymentTimeline.Add(new PaymentTimelineEntry
            {
                PaymentRecordId = record.Id,
                At = now,
                Source = Truncate(source, 64)!,
                FromStatus = from,
                ToStatus = changed ? decision.Target : null,
                Note = Truncate(changed || from == decision.Target ? decision.Note : $"{decision.Note}; kept {from} (statuses only move forward)")!,
            });
        }

        if (changed)
        {
            await QueueMessagesAsync(db, record, order, from, orderWas, source, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        // Last before the commit: a product row is shared by every checkout of that coffee, so its lock is held briefly.
        await StockMoves.ApplyAsync(db, order, stock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (changed)
        {
            logger.LogInformation("Payment {PaymentRecordId} for order {OrderId} moved {From} -> {To} ({Source}, {PaymentIntentId})",
                record.Id, record.OrderId, from, decision.Target, source, record.PaymentIntentId);
        }

        return new FinalizeResult(record.Id, order.PublicId, record.Status, changed, stock == StockMove.Return);
    }

    /// <summary>The messages a status change owes, queued in its transaction (so they exist exactly when the change does).</summary>
    private static async Task QueueMessagesAsync(AppDbContext db, PaymentRecord record, Order order, PaymentStatus from, OrderStatus orderWas,
        string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (orderWas != OrderStatus.Paid && order.Status == OrderStatus.Paid)
        {
            Outbox.OrderConfirmation(db, order, now);
        }
        else if (record.Status == PaymentStatus.Processing && order.Status == OrderStatus.AwaitingPayment)
        {
            await Outbox.PaymentProcessingOnceAsync(db, order, record.Id, now, cancellationToken);
        }
        else if (record.Status == PaymentStatus.Failed && from is PaymentStatus.Processing or PaymentStatus.RequiresAction
            && order.Status == OrderStatus.AwaitingPayment && !CustomerIsWatching(source))
        {
            // The customer left the checkout (a delayed method, or a bank step they walked away from): the page cannot tell them.
            await Outbox.PaymentFailedOnceAsync(db, order, record.Id, now, cancellationToken);
        }

        if (record.Status is PaymentStatus.NeedsAttention or PaymentStatus.Disputed)
        {
            await Outbox.AlertAdminsAsync(db, now, cancellationToken);
        }
    }

    /// <summary>Sources whose answer the customer reads on a page: the checkout POST and the return from the bank's step.</summary>
    private static bool CustomerIsWatching(string source) => source is "checkout" or "checkout-cancel" or "return";

    /// <summary>
    /// Money arrived for this attempt. It pays the order when the order still awaits payment and its
    /// bags are there (held by the attempt, or still available for late money); otherwise it is a
    /// duplicate or cannot be delivered, and waits for an admin as NeedsAttention — never silently paid.
    /// Answers the decision and the stock move to make just before the commit.
    /// </summary>
    private static async Task<(Decision, StockMove)> TakeTheMoneyAsync(AppDbContext db, PaymentRecord record, Order order, Decision paid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (order.Status != OrderStatus.AwaitingPayment)
        {
            var why = $"{AttentionReasons.DuplicatePayment}: order {order.Reference} was already {(order.Status == OrderStatus.Paid ? "paid" : "abandoned")} when this money arrived";
            record.AttentionReason = Truncate(why);
            return (new Decision(PaymentStatus.NeedsAttention, $"{paid.Note}; {why}"), StockMove.None);
        }

        var held = record.StockReservation == StockReservation.Held;
        if (!held && !await StockMoves.LockIfAvailableAsync(db, order, cancellationToken))
        {
            var why = $"{AttentionReasons.PaidButOutOfStock}: the bags of order {order.Reference} were given back before this money arrived and are gone";
            record.AttentionReason = Truncate(why);
            return (new Decision(PaymentStatus.NeedsAttention, $"{paid.Note}; {why}"), StockMove.None);
        }

        record.StockReservation = StockReservation.Sold;
        order.Status = OrderStatus.Paid;
        order.PaidAt = now;
        // The database gives the order its invoice number as it becomes Paid, from the gap-free sequence (ADR 0013).
        order.Fulfilment = FulfilmentStatus.ToPack;
        db.OrderEvents.Add(new OrderEvent
        {
            OrderId = order.Id,
            At = now,
            Actor = OrderEvent.ShopActor,
            ToStatus = FulfilmentStatus.ToPack,
            Note = $"Paid {record.Amount} (payment attempt {record.Attempt})",
        });
        return (paid, held ? StockMove.SellHeld : StockMove.SellAvailable);
    }

    private static PaymentStatus AfterRefunds(PaymentRecord record) =>
        record.Status == PaymentStatus.Disputed ? PaymentStatus.Disputed : PaymentStatusRules.AfterRefunds(record.AmountMinor, record.RefundedMinor);

    private async Task UpsertRefundAsync(AppDbContext db, PaymentRecord record, RefundSnapshot refund, CancellationToken cancellationToken)
    {
        var row = await db.Refunds.FirstOrDefaultAsync(r => r.PaymentRecordId == record.Id
            && (r.StripeRefundId == refund.StripeRefundId || (refund.ShopRefundId != null && r.Id == refund.ShopRefundId)), cancellationToken);
        var now = clock.GetUtcNow();
        var wasSucceeded = row?.Status == "succeeded";
        if (row is null)
        {
            row = new Refund
            {
                Id = refund.ShopRefundId ?? Guid.NewGuid(),
                PaymentRecordId = record.Id,
                Currency = refund.Currency.ToUpperInvariant(),
                Status = refund.Status,
                Source = "stripe",
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Refunds.Add(row);
        }

        else if (row.Status != refund.Status && !RefundStatusRules.CanMove(row.Status, refund.Status))
        {
            // A late or older report (refund.created after refund.updated): the row keeps what it knows.
            row.StripeRefundId ??= refund.StripeRefundId;
            db.PaymentTimeline.Add(new PaymentTimelineEntry
            {
                PaymentRecordId = record.Id,
                At = now,
                Source = Truncate($"refund {refund.StripeRefundId}", 64)!,
                Note = Truncate($"Stripe reports refund {refund.StripeRefundId} {refund.Status}; kept {row.Status} (refund statuses only move forward)")!,
            });
            return;
        }

        // A repeated report leaves the row's time alone: the credit note is dated by it.
        if (row.StripeRefundId != refund.StripeRefundId || row.AmountMinor != refund.Amount || row.Status != refund.Status)
        {
            row.UpdatedAt = now;
        }

        // The customer hears of a refund once, as it succeeds (its credit note is numbered in the same transaction).
        if (refund.Status == "succeeded" && !wasSucceeded)
        {
            Outbox.RefundIssued(db, record.Order!, row.Id, now);
        }

        row.StripeRefundId = refund.StripeRefundId;
        row.AmountMinor = refund.Amount;
        row.Status = refund.Status;
        row.Reason ??= refund.Reason;
        row.FailureMessage = refund.FailureMessage ?? row.FailureMessage;
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

    private static string? Truncate(string? text, int length = 500) => text is null || text.Length <= length ? text : text[..length];
}
