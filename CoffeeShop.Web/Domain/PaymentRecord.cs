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

    /// <summary>
    /// Sent to Stripe as Idempotency-Key: the same attempt can never create two PaymentIntents. The
    /// database computes it from the order id and attempt number (one home for its format).
    /// </summary>
    public string IdempotencyKey { get; set; } = "";

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

    /// <summary>
    /// When the reconciler should next ask Stripe about it; each visit pushes it further out. Null until
    /// the first visit, which is due once the record has not moved for the configured minimum age.
    /// </summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>How many times the reconciler asked Stripe without the record settling (drives the back-off).</summary>
    public int ReconcileVisits { get; set; }

    /// <summary>What this attempt holds of the order's stock.</summary>
    public StockReservation StockReservation { get; set; }

    /// <summary>An admin worked the NeedsAttention item: when, who, and what they did.</summary>
    public DateTimeOffset? AttentionResolvedAt { get; set; }

    public string? AttentionResolvedBy { get; set; }

    public string? AttentionResolution { get; set; }

    public Money Amount => new(AmountMinor, Currency);

    /// <summary>
    /// The one way a payment attempt comes to be: Pending and holding the order's stock. Its key is
    /// computed by the database.
    /// </summary>
    public static PaymentRecord BeginAttempt(Order order, int attempt, string email, string itemsSummary, DateTimeOffset now) => new()
    {
        OrderId = order.Id,
        Attempt = attempt,
        Status = PaymentStatus.Pending,
        AmountMinor = order.TotalMinor,
        Currency = order.Currency,
        CustomerEmail = email,
        ItemsSummary = itemsSummary,
        StockReservation = StockReservation.Held,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public Money Refunded => new(RefundedMinor, Currency);
    public Money Refundable => new(AmountMinor - RefundedMinor, Currency);

    /// <summary>How the database computes <see cref="IdempotencyKey"/> (a stored generated column).</summary>
    public const string IdempotencyKeySql = "'order-' || order_id::text || '-attempt-' || attempt::text";
}

/// <summary>
/// The stock an attempt holds: reserved when the attempt begins (in the statement that creates it), given
/// back when it definitively fails, and made a sale when it succeeds. At most one attempt of an order holds.
/// </summary>
public enum StockReservation
{
    None,
    Held,
    Released,
    Sold,

    /// <summary>Sold, then put back on the shelf by an admin with a refund.</summary>
    Returned,
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
