using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Breaks the payment's transaction after the database gave the order its invoice number: the save that
/// marked an order Paid went through, the deferred trigger that numbers it is made to run at once (it
/// would run at the commit), then the next step fails, so the transaction rolls back before its commit.
/// Fails the first <c>failures</c> times only.
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

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context!;
        var paid = context.ChangeTracker.Entries<Order>().Select(e => e.Entity).FirstOrDefault(o => o.Status == OrderStatus.Paid);
        if (paid is null || context.Database.CurrentTransaction is null)
        {
            return result;
        }

        lock (_gate)
        {
            if (_failuresLeft == 0)
            {
                return result;
            }

            _failuresLeft--;
        }

        await context.Database.ExecuteSqlRawAsync("SET CONSTRAINTS orders_take_invoice_number IMMEDIATE", cancellationToken);
        var number = await context.Database.SqlQuery<long>($"SELECT invoice_number AS \"Value\" FROM orders WHERE id = {paid.Id}").SingleAsync(cancellationToken);
        lock (_gate)
        {
            _taken.Add(number);
        }

        throw new DbUpdateException("Simulated failure after the order took its invoice number, before the commit.");
    }
}
