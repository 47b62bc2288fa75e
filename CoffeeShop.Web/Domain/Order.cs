namespace CoffeeShop.Web.Domain;

/// <summary>
/// What the customer agreed to buy, frozen at checkout: lines keep the name and unit price of the
/// moment, so a later price change never alters an order or its payment.
/// </summary>
public class Order
{
    public long Id { get; set; }

    /// <summary>The unguessable id in the customer's confirmation link.</summary>
    public required string PublicId { get; set; }

    /// <summary>Rendered into the checkout form; a second submit of the same form finds this order again.</summary>
    public Guid CheckoutId { get; set; }

    public Guid CartId { get; set; }
    public required string CartFingerprint { get; set; }
    public required string Email { get; set; }
    public OrderStatus Status { get; set; }
    public long TotalMinor { get; set; }
    public required string Currency { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public List<OrderLine> Lines { get; set; } = [];

    public Money Total => new(TotalMinor, Currency);

    /// <summary>The short reference a customer quotes and an admin searches for.</summary>
    public string Reference => FormatReference(Id);

    public static string FormatReference(long orderId) => $"CS-{orderId:D6}";

    public static bool TryParseReference(string text, out long orderId)
    {
        orderId = 0;
        var trimmed = text.Trim();
        return trimmed.StartsWith("CS-", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(trimmed.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out orderId);
    }
}
