using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// An admin's refund, in the same phases as a payment: the refunds row is written first (its id came
/// with the form and is Stripe's Idempotency-Key, so a double submit refunds once), Stripe is called with
/// no transaction open, and FinalizePayment records the answer.
/// </summary>
public sealed class RefundPayment(IDbContextFactory<AppDbContext> contexts, IPaymentGateway gateway, FinalizePayment finalize, TimeProvider clock)
{
    /// <summary>The request is audited under <paramref name="actor"/> with the refunds row it writes, so a refund nobody can account for never reaches Stripe.</summary>
    public async Task<RefundOutcome> RequestAsync(long paymentRecordId, Guid refundId, long amountMinor, string? reason, AdminActor actor,
        CancellationToken cancellationToken, bool returnToStock = false)
    {
        string paymentIntentId;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var record = (await db.PaymentRecords.FromSql($"SELECT * FROM payment_records WHERE id = {paymentRecordId} FOR UPDATE")
                .ToListAsync(cancellationToken)).Single();
            if (await db.Refunds.AnyAsync(r => r.Id == refundId, cancellationToken))
            {
                return new RefundOutcome(RefundOutcomeKind.AlreadyRequested, "This refund was already requested; it was not sent twice.");
            }

            if (!PaymentStatusRules.IsRefundable(record.Status) || record.PaymentIntentId is null)
            {
                return new RefundOutcome(RefundOutcomeKind.Refused, "Only a paid payment, or one needing attention with a PaymentIntent at Stripe, can be refunded.");
            }

            var held = await db.Refunds.Where(r => r.PaymentRecordId == record.Id && RefundStatusRules.HoldingMoney.Contains(r.Status)).SumAsync(r => r.AmountMinor, cancellationToken);
            var refundable = record.AmountMinor - Math.Max(record.RefundedMinor, held);
            if (amountMinor <= 0 || amountMinor > refundable)
            {
                return new RefundOutcome(RefundOutcomeKind.Refused, $"You can refund at most {new Money(Math.Max(refundable, 0), record.Currency)}.");
            }

            var now = clock.GetUtcNow();
            db.Refunds.Add(new Refund
            {
                Id = refundId,
                PaymentRecordId = record.Id,
                AmountMinor = amountMinor,
                Currency = record.Currency,
                Reason = reason,
                Status = RefundStatusRules.Requested,
                Source = "admin",
                CreatedAt = now,
                UpdatedAt = now,
            });
            AuditTrail.Add(db, actor, AuditAction.Refund, $"payment {record.PaymentIntentId}",
                new { refundable = new Money(refundable, record.Currency).ToString() },
                new { refund = new Money(amountMinor, record.Currency).ToString(), reason, returnToStock, refundId }, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            paymentIntentId = record.PaymentIntentId;
        }

        var result = await gateway.RefundAsync(new RefundRequest(refundId, paymentIntentId, amountMinor, reason), cancellationToken);
        if (result.Refund is { } refund)
        {
            await finalize.ApplyRefundsAsync(paymentRecordId, [refund], null, "admin refund", cancellationToken);
            var returned = returnToStock && (await finalize.ReturnToStockAsync(paymentRecordId, "admin refund", cancellationToken)).StockReturned;
            return new RefundOutcome(RefundOutcomeKind.Refunded,
                $"Refunded {new Money(refund.Amount, refund.Currency.ToUpperInvariant())}.{(returned ? " The bags are back in stock." : "")}");
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var status = result.OutcomeUnknown ? RefundStatusRules.Requested : RefundStatusRules.Failed;
            // Only a row still waiting: a webhook may have settled it while the call was under way.
            await db.Refunds.Where(r => r.Id == refundId && r.Status == RefundStatusRules.Requested).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.FailureMessage, result.Refused)
                .SetProperty(r => r.UpdatedAt, clock.GetUtcNow()), cancellationToken);
        }

        return result.OutcomeUnknown
            ? new RefundOutcome(RefundOutcomeKind.Pending, "Stripe did not answer. The refund stays requested; its webhook or a re-sync will settle it.")
            : new RefundOutcome(RefundOutcomeKind.Refused, $"Stripe refused the refund: {result.Refused}");
    }
}
