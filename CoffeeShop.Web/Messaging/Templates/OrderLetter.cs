using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Messaging.Templates;

/// <summary>What a message to a customer about an order says, read from rows that no longer change once written.</summary>
public sealed record OrderLetter
{
    public required string ShopName { get; init; }
    public required string OrderReference { get; init; }
    public required Uri OrderUrl { get; init; }
    public Uri? InvoiceUrl { get; init; }
    public string? InvoiceReference { get; init; }
    public required IReadOnlyList<OrderLetterLine> Lines { get; init; }
    public required Money Subtotal { get; init; }
    public required Money Shipping { get; init; }
    public required Money Total { get; init; }
    public required IReadOnlyList<(string Rate, Money Vat)> VatIncluded { get; init; }
    public ShippingAddress? ShipTo { get; init; }

    /// <summary>Shipped: who carries the parcel and where to follow it.</summary>
    public string? Carrier { get; init; }
    public string? TrackingNumber { get; init; }
    public Uri? TrackingUrl { get; init; }

    /// <summary>A refund: how much went back and its credit note.</summary>
    public Money? Refunded { get; init; }
    public string? CreditNoteReference { get; init; }
    public Uri? CreditNoteUrl { get; init; }

    /// <summary>Where a customer whose payment failed starts again.</summary>
    public required Uri TryAgainUrl { get; init; }
}

public sealed record OrderLetterLine(string ProductName, int Quantity, Money UnitPrice, Money LineTotal);

/// <summary>What a message with one link for one person says: an enrolment or a password reset.</summary>
public sealed record LinkLetter(string ShopName, Uri Link, int ValidHours);

/// <summary>The admin alert: what needs attention now, and where to see it.</summary>
public sealed record AlertLetter(string ShopName, IReadOnlyList<AlertLine> Items, Uri AttentionUrl);

public sealed record AlertLine(string OrderReference, string Status, Money Amount, string Why, Uri AdminUrl);
