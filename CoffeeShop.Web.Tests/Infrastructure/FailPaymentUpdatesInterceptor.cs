using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Breaks the database at the worst moment: any save that moves a payment record out of Pending
/// fails, as if PostgreSQL went away right after Stripe took the money.
/// </summary>
public sealed class FailPaymentUpdatesInterceptor : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        var movesPayment = eventData.Context!.ChangeTracker.Entries<PaymentRecord>()
            .Any(e => e.State == EntityState.Modified && e.OriginalValues.GetValue<PaymentStatus>(nameof(PaymentRecord.Status)) == PaymentStatus.Pending);
        if (movesPayment)
        {
            throw new DbUpdateException("Simulated database failure while storing Stripe's answer.");
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }
}
