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
/// A credit note: money given back on an invoiced order, numbered by the database as the refund succeeded
/// (ADR 0013). A partial refund carries the order's VAT rates in proportion (<see cref="Vat.Split"/>).
/// </summary>
[NoIndex]
public class CreditNoteModel(AppDbContext db, IOptions<InvoicingOptions> invoicing, IOptions<ShopOptions> shop) : PageModel
{
    public Order Order { get; private set; } = null!;
    public Refund Refund { get; private set; } = null!;

    /// <summary>When the refund was recorded as succeeded: the row is last touched then.</summary>
    public string Date { get; private set; } = "";

    public DocumentParties Parties => new(invoicing.Value, Order, "Credited to");

    public VatTable VatTable => new("Refunded, with the VAT it includes", Refund.Currency,
        Vat.Split(Refund.AmountMinor, Order.VatBreakdown()), "Total refunded");

    public async Task<IActionResult> OnGetAsync(string publicId, long number, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await InvoicedOrders.FindAsync(db, publicId, cancellationToken) is not { } order)
        {
            return NotFound();
        }

        var refund = await db.Refunds.AsNoTracking()
            .Where(r => r.CreditNoteNumber == number && db.PaymentRecords.Any(p => p.Id == r.PaymentRecordId && p.OrderId == order.Id))
            .SingleOrDefaultAsync(cancellationToken);
        if (refund is null)
        {
            return NotFound();
        }

        Order = order;
        Refund = refund;
        Date = InvoicedOrders.Date(refund.UpdatedAt, shop.Value.Zone);
        return Page();
    }
}
