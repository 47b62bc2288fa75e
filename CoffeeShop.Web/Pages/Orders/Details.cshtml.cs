using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Orders;

/// <summary>The customer's confirmation, reached by an unguessable id: what they bought and where the payment stands.</summary>
public class DetailsModel(AppDbContext db) : PageModel
{
    public Order Order { get; private set; } = null!;
    public PaymentRecord? Payment { get; private set; }

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
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
