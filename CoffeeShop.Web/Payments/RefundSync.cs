using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// Settles a payment's refunds from what Stripe lists for its PaymentIntent (the admin's "Re-sync from
/// Stripe"): a refund whose answer was lost stays <c>requested</c> until then. Stripe's refunds carry the
/// shop's refund id in <c>metadata[refund_id]</c>, which <see cref="FinalizePayment"/> matches to the row.
/// </summary>
public sealed class RefundSync(IDbContextFactory<AppDbContext> contexts, IPaymentGateway gateway, FinalizePayment finalize)
{
    /// <summary>Throws <see cref="PaymentProviderException"/> when Stripe cannot be asked.</summary>
    public async Task<RefundSyncResult> SyncAsync(long paymentRecordId, CancellationToken cancellationToken)
    {
        string? paymentIntentId;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            paymentIntentId = await db.PaymentRecords.Where(p => p.Id == paymentRecordId).Select(p => p.PaymentIntentId).SingleOrDefaultAsync(cancellationToken);
        }

        if (paymentIntentId is null)
        {
            return new RefundSyncResult(0, 0);
        }

        var refunds = await gateway.ListRefundsAsync(paymentIntentId, cancellationToken);
        if (refunds.Count > 0)
        {
            await finalize.ApplyRefundsAsync(paymentRecordId, refunds, null, "re-sync", cancellationToken);
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var stillRequested = await db.Refunds.CountAsync(r => r.PaymentRecordId == paymentRecordId && r.Status == RefundStatusRules.Requested, cancellationToken);
            return new RefundSyncResult(refunds.Count, stillRequested);
        }
    }
}
