namespace CoffeeShop.Web.Domain;

/// <summary>What one VAT rate holds of a total: gross (what the customer paid at that rate), VAT, and net = gross − VAT.</summary>
public sealed record VatAmounts(int RateBasisPoints, long GrossMinor, long VatMinor)
{
    public long NetMinor => GrossMinor - VatMinor;
}
