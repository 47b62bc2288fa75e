using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Shopping;

/// <summary>The cart as the customer sees it now, priced from the products table and the shop's <see cref="PriceList"/>.</summary>
public sealed record CartView(Guid? CartId, IReadOnlyList<CartLine> Lines, string Currency, PriceList Prices)
{
    /// <summary>The cart's <see cref="Cart.Round"/>, read in the same statement as its lines.</summary>
    public int Round { get; init; }

    public int ItemCount => Lines.Sum(l => l.Quantity);
    public bool IsEmpty => Lines.Count == 0;

    /// <summary>Every line is sold and in stock as it stands; otherwise the checkout says what to change.</summary>
    public bool CanBePaid => Lines.All(l => l.Problem is null);

    /// <summary>The coffee alone, without shipping.</summary>
    public Money Subtotal => Lines.Aggregate(Money.Zero(Currency), (sum, line) => sum.Plus(line.LineTotal));

    /// <summary>Shipping for this cart to a country the shop ships to (free from the zone's threshold).</summary>
    public Money ShippingTo(string country) => Prices.ShippingTo(country, Subtotal);

    /// <summary>What the customer pays when the parcel goes to <paramref name="country"/>: the coffee plus shipping.</summary>
    public Money TotalTo(string country) => Subtotal.Plus(ShippingTo(country));

    /// <summary>
    /// Changes whenever a line, quantity or price changes, or any shipping rate, threshold or the VAT rate: the
    /// checkout form carries it, so a payment is never taken for a cart or prices other than the ones the customer saw.
    /// </summary>
    public string Fingerprint => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join(';', Lines.Select(l => $"{l.ProductId}:{l.Quantity}:{l.UnitPrice.Minor}:{l.UnitPrice.Currency}").Append(Prices.Fingerprint)))))[..32];
}
