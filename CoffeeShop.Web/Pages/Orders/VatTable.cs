using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Pages.Orders;

/// <summary>Net, VAT and gross per rate as an invoice or credit note prints them (<c>_VatTable</c>).</summary>
public sealed record VatTable(string Caption, string Currency, IReadOnlyList<VatAmounts> Rates, string TotalLabel)
{
    public Money Net => new(Rates.Sum(r => r.NetMinor), Currency);
    public Money Vat => new(Rates.Sum(r => r.VatMinor), Currency);
    public Money Gross => new(Rates.Sum(r => r.GrossMinor), Currency);
}
