using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Shopping;

public sealed record CartView(Guid? CartId, IReadOnlyList<CartLine> Lines, string Currency)
{
    public int ItemCount => Lines.Sum(l => l.Quantity);
    public bool IsEmpty => Lines.Count == 0;

    /// <summary>Every line is sold and in stock as it stands; otherwise the checkout says what to change.</summary>
    public bool CanBePaid => Lines.All(l => l.Problem is null);
    public Money Total => Lines.Aggregate(Money.Zero(Currency), (sum, line) => sum.Plus(line.LineTotal));

    /// <summary>
    /// Changes whenever a line, quantity or price changes: the checkout form carries it, so a payment
    /// is never taken for a cart other than the one the customer saw.
    /// </summary>
    public string Fingerprint => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join(';', Lines.Select(l => $"{l.ProductId}:{l.Quantity}:{l.UnitPrice.Minor}:{l.UnitPrice.Currency}")))))[..32];
}
