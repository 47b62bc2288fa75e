using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Data;

public static class PaymentRecordQueries
{
    /// <summary>An order's most recent payment attempt: the one that says where its payment stands.</summary>
    public static Task<PaymentRecord?> LatestAttemptAsync(this IQueryable<PaymentRecord> records, long orderId, CancellationToken cancellationToken) =>
        records.Where(p => p.OrderId == orderId).OrderByDescending(p => p.Attempt).FirstOrDefaultAsync(cancellationToken);
}
