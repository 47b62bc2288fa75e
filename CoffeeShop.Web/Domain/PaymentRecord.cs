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
    public string IdempotencyKey { get; private set; } = "";

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
    /// While this is an order's latest attempt, no other may begin: its outcome is unknown yet, or money
    /// may sit at Stripe for an admin to decide about.
    /// </summary>
    public bool BlocksNewAttempt => PaymentStatusRules.IsInFlight(Status) || Status == PaymentStatus.NeedsAttention && AttentionResolvedAt is null;

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
