using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Invoicing;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Orders;

/// <summary>
/// A paid order's invoice, to print or keep: reached by the order's unguessable id, by the customer and by
/// admins alike. The number was given by the database as the order became paid (ADR 0013).
/// </summary>
[NoIndex]
public class InvoiceModel(AppDbContext db, IOptions<InvoicingOptions> invoicing, IOptions<ShopOptions> shop) : PageModel
{
    private static readonly PaymentStatus[] Paid = [PaymentStatus.Succeeded, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded, PaymentStatus.Disputed];

    public Order Order { get; private set; } = null!;
    public string InvoiceDate { get; private set; } = "";

    /// <summary>The attempt that paid the order (a duplicate payment waits for an admin and is no part of the invoice).</summary>
    public PaymentRecord? Payment { get; private set; }

    public DocumentParties Parties => new(invoicing.Value, Order, "Billed to");

    public VatTable VatTable => new("VAT included", Order.Currency, Order.VatBreakdown(), "Total");

    public async Task<IActionResult> OnGetAsync(string publicId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await InvoicedOrders.FindAsync(db, publicId, cancellationToken) is not { } order)
        {
            return NotFound();
        }

        Order = order;
        InvoiceDate = InvoicedOrders.Date(order.PaidAt ?? order.CreatedAt, shop.Value.Zone);
        Payment = await db.PaymentRecords.AsNoTracking()
            .Where(p => p.OrderId == order.Id && Paid.Contains(p.Status))
            .OrderByDescending(p => p.Attempt)
            .FirstOrDefaultAsync(cancellationToken);
        return Page();
    }
}
