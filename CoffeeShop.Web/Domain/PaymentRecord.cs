namespace CoffeeShop.Web.Domain;

/// <summary>
/// One attempt to pay for an order: written as Pending before Stripe is called, so no charge can
/// exist without a record, and moved only by FinalizePayment afterwards.
/// </summary>
public class PaymentRecord
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public Order? Order { get; set; }
    public int Attempt { get; set; }
    public PaymentStatus Status { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public required string CustomerEmail { get; set; }
    public required string ItemsSummary { get; set; }

    /// <summary>Sent to Stripe as Idempotency-Key: the same attempt can never create two PaymentIntents.</summary>
    public required string IdempotencyKey { get; set; }

    public string? PaymentIntentId { get; set; }
    public string? ChargeId { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public string? AttentionReason { get; set; }
    public long RefundedMinor { get; set; }
    public bool Livemode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>A reconciler has claimed the record until then; another instance leaves it alone meanwhile.</summary>
    public DateTimeOffset? ReconcileLeaseUntil { get; set; }

    public Money Amount => new(AmountMinor, Currency);
    public Money Refunded => new(RefundedMinor, Currency);
    public Money Refundable => new(AmountMinor - RefundedMinor, Currency);

    public static string KeyFor(long orderId, int attempt) => $"order-{orderId}-attempt-{attempt}";
}

/// <summary>One line in a payment's history: who said what, and whether it changed the status.</summary>
public class PaymentTimelineEntry
{
    public long Id { get; set; }
    public long PaymentRecordId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Source { get; set; }
    public PaymentStatus? FromStatus { get; set; }
    public PaymentStatus? ToStatus { get; set; }
    public required string Note { get; set; }
}

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
}

/// <summary>A webhook event as received: its id is the key that makes redelivery harmless.</summary>
public class StripeEventRecord
{
    public required string Id { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Payload { get; set; }
    public long? PaymentRecordId { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>When a delivery began processing it; a concurrent delivery of the same event then stands back.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }

    public string? Outcome { get; set; }
}
