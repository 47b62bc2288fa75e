using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>One line of the desk: only the columns it shows, so a page reads nothing else.</summary>
public sealed record DeskRow(long Id, DateTimeOffset PaidAt, string? ShipName, string Email, string? ShipPostalCode, string? ShipCountry,
    int Items, long TotalMinor, string Currency, FulfilmentStatus Fulfilment, bool NeedsAttention)
{
    public string Reference => Order.FormatReference(Id);
    public Money Total => new(TotalMinor, Currency);

    /// <summary>
    /// Applied after the page's ORDER BY … LIMIT: the items and the attention marker are looked up for the
    /// rows shown only (order_lines and payment_records by order id).
    /// </summary>
    public static IQueryable<DeskRow> Project(IQueryable<Order> page, IQueryable<PaymentRecord> payments) => page.Select(o => new DeskRow(
        o.Id, o.PaidAt!.Value, o.ShipName, o.Email, o.ShipPostalCode, o.ShipCountry,
        o.Lines.Sum(l => l.Quantity), o.TotalMinor, o.Currency, o.Fulfilment!.Value,
        payments.Any(p => p.OrderId == o.Id && p.Status == PaymentStatus.NeedsAttention && p.AttentionResolvedAt == null)));
}
