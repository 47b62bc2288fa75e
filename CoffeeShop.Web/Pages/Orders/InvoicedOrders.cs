using System.Globalization;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Orders;

/// <summary>What an order's invoice and credit notes are printed from.</summary>
public static class InvoicedOrders
{
    /// <summary>The order behind the unguessable id, with its lines, only once it has an invoice (it was paid).</summary>
    public static Task<Order?> FindAsync(AppDbContext db, string publicId, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.PublicId == publicId && o.InvoiceNumber != null, cancellationToken);

    /// <summary>A document's date as the shop's calendar has it ("1 December 2026"): the database keeps UTC.</summary>
    public static string Date(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
