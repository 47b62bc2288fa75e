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

    /// <summary>The cart's <see cref="Cart.Round"/> when the checkout read the cart.</summary>
    public int CartRound { get; set; }
    public required string Email { get; set; }
    public OrderStatus Status { get; set; }

    /// <summary>What was charged: the lines plus shipping (the database checks the sum).</summary>
    public long TotalMinor { get; set; }

    public long SubtotalMinor { get; set; }
    public long ShippingMinor { get; set; }

    /// <summary>The VAT rate shipping carries, in basis points (700 = 7 %).</summary>
    public int ShippingVatRateBasisPoints { get; set; }

    public required string Currency { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public List<OrderLine> Lines { get; set; } = [];

    // The shipping address, snapshotted at checkout (null only on orders from before addresses were asked for).
    public string? ShipName { get; set; }
    public string? ShipLine1 { get; set; }
    public string? ShipLine2 { get; set; }
    public string? ShipPostalCode { get; set; }
    public string? ShipCity { get; set; }
    public string? ShipCountry { get; set; }
    public string? ShipPhone { get; set; }

    /// <summary>From the gap-free invoice sequence, in the transaction that marks the order paid.</summary>
    public long? InvoiceNumber { get; set; }

    /// <summary>Null until paid; then where the parcel is (see <see cref="FulfilmentRules"/>).</summary>
    public FulfilmentStatus? Fulfilment { get; set; }

    public DateTimeOffset? PackedAt { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? CanceledAt { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }

    /// <summary>The carrier's tracking link, made from its template when the order was shipped.</summary>
    public string? TrackingUrl { get; set; }

    public Money Total => new(TotalMinor, Currency);
    public Money Subtotal => new(SubtotalMinor, Currency);
    public Money Shipping => new(ShippingMinor, Currency);

    public ShippingAddress? ShipTo => ShipName is null || ShipLine1 is null || ShipPostalCode is null || ShipCity is null || ShipCountry is null
        ? null
        : new ShippingAddress(ShipName, ShipLine1, ShipLine2, ShipPostalCode, ShipCity, ShipCountry, ShipPhone);

    public void SetShipTo(ShippingAddress address)
    {
        ShipName = address.Name;
        ShipLine1 = address.Line1;
        ShipLine2 = address.Line2;
        ShipPostalCode = address.PostalCode;
        ShipCity = address.City;
        ShipCountry = address.Country;
        ShipPhone = address.Phone;
    }

    /// <summary>Net, VAT and gross per rate over the lines and shipping; the grosses add up to <see cref="TotalMinor"/>.</summary>
    public IReadOnlyList<VatAmounts> VatBreakdown() =>
        Vat.Breakdown(Lines.Select(l => (l.LineTotalMinor, l.VatRateBasisPoints)).Append((ShippingMinor, ShippingVatRateBasisPoints)));

    /// <summary>The short reference a customer quotes and an admin searches for.</summary>
    public string Reference => FormatReference(Id);

    public static string FormatReference(long orderId) => $"CS-{orderId:D6}";

    public string? InvoiceReference => InvoiceNumber is { } number ? FormatInvoiceNumber(number) : null;

    public static string FormatInvoiceNumber(long number) => $"INV-{number:D6}";

    public static bool TryParseReference(string text, out long orderId)
    {
        orderId = 0;
        var trimmed = text.Trim();
        return trimmed.StartsWith("CS-", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(trimmed.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out orderId);
    }
}
