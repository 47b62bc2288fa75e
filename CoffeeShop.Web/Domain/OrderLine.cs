namespace CoffeeShop.Web.Domain;

public class OrderLine
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public int ProductId { get; set; }
    public required string ProductName { get; set; }
    public long UnitPriceMinor { get; set; }
    public int Quantity { get; set; }
    public long LineTotalMinor { get; set; }

    /// <summary>The VAT rate included in the price, in basis points (700 = 7 %), as it was at checkout.</summary>
    public int VatRateBasisPoints { get; set; }
}
