using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Breaks the payment's transaction after the database gave the order its invoice number: the save that
/// marked an order Paid went through (the trigger took the number and EF read it back), then the next
/// step fails, so the transaction rolls back before its commit. Fails the first <c>failures</c> times only.
/// </summary>
public sealed class FailAfterInvoiceNumberInterceptor(int failures = 1) : SaveChangesInterceptor
{
    private readonly Lock _gate = new();
    private readonly List<long> _taken = [];
    private int _failuresLeft = failures;

    /// <summary>The invoice numbers the failed transactions had taken before they rolled back.</summary>
    public IReadOnlyList<long> TakenThenRolledBack
    {
        get
        {
            lock (_gate)
            {
                return [.. _taken];
            }
        }
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var numbered = eventData.Context!.ChangeTracker.Entries<Order>()
            .Select(e => e.Entity)
            .FirstOrDefault(o => o.Status == OrderStatus.Paid && o.InvoiceNumber is not null);
        lock (_gate)
        {
            if (numbered is not null && _failuresLeft > 0 && eventData.Context.Database.CurrentTransaction is not null)
            {
                _failuresLeft--;
                _taken.Add(numbered.InvoiceNumber!.Value);
                throw new DbUpdateException("Simulated failure after the order took its invoice number, before the commit.");
            }
        }

        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }
}
