namespace CoffeeShop.Web.Domain;

/// <summary>
/// Money given back on a payment: asked for by an admin here (written as Requested before Stripe is
/// called), or first learned from Stripe (a refund made in the Stripe Dashboard).
/// </summary>
public class Refund
{
    public Guid Id { get; set; }
    public long PaymentRecordId { get; set; }
    public string? StripeRefundId { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public string? Reason { get; set; }
    public required string Status { get; set; }
    public string? FailureMessage { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>From the gap-free credit-note sequence, in the transaction that records the refund as succeeded.</summary>
    public long? CreditNoteNumber { get; set; }

    public string? CreditNoteReference => CreditNoteNumber is { } number ? FormatCreditNoteNumber(number) : null;

    public static string FormatCreditNoteNumber(long number) => $"CN-{number:D6}";
}
