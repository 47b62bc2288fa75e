using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Orders;

/// <summary>The customer's order page, reached by an unguessable id: what they bought, where it goes, where the payment and the parcel stand, and its documents.</summary>
[NoIndex]
public class DetailsModel(AppDbContext db) : PageModel
{
    public Order Order { get; private set; } = null!;
    public PaymentRecord? Payment { get; private set; }

    /// <summary>The credit notes of this order's refunds, oldest first: each has its own page.</summary>
    public IReadOnlyList<long> CreditNoteNumbers { get; private set; } = [];

    public bool IsSettling => Order.Status != OrderStatus.Paid
        && Payment is not null && (PaymentStatusRules.IsInFlight(Payment.Status) || Payment.Status == PaymentStatus.RequiresAction);

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.PublicId == publicId, cancellationToken);
        if (order is null)
        {
            return NotFound();
        }

        Order = order;
        Payment = await db.PaymentRecords.AsNoTracking().LatestAttemptAsync(order.Id, cancellationToken);
        CreditNoteNumbers = await db.Refunds.AsNoTracking()
            .Where(r => r.CreditNoteNumber != null && db.PaymentRecords.Any(p => p.Id == r.PaymentRecordId && p.OrderId == order.Id))
            .OrderBy(r => r.CreditNoteNumber)
            .Select(r => r.CreditNoteNumber!.Value)
            .ToListAsync(cancellationToken);
        // The customer's name, address and payment: kept in no cache, so never restored from the back/forward cache either.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
