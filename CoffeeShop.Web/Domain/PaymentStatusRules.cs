namespace CoffeeShop.Web.Domain;

/// <summary>
/// Statuses only move forward. Stripe's webhooks arrive late, twice and out of order; these rules
/// decide which news may change a record and which is only written into its timeline.
/// </summary>
public static class PaymentStatusRules
{
    private static readonly PaymentStatus[] RefundedLater = [PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded];

    private static readonly Dictionary<PaymentStatus, PaymentStatus[]> Forward = new()
    {
        // Money taken may be partly or wholly refunded before the shop hears that it was taken (a refund made in
        // the Dashboard whose news arrives first): such a record moves straight to where the refunds leave it.
        [PaymentStatus.Pending] = [PaymentStatus.RequiresAction, PaymentStatus.Processing, PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.Canceled, .. RefundedLater],
        [PaymentStatus.RequiresAction] = [PaymentStatus.Processing, PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.Canceled, .. RefundedLater],
        [PaymentStatus.Processing] = [PaymentStatus.RequiresAction, PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.Canceled, .. RefundedLater],
        // A PaymentIntent that failed can still be confirmed again and succeed; money taken is always recorded.
        [PaymentStatus.Failed] = [PaymentStatus.RequiresAction, PaymentStatus.Processing, PaymentStatus.Succeeded, PaymentStatus.Canceled, .. RefundedLater],
        [PaymentStatus.Canceled] = [],
        [PaymentStatus.Succeeded] = [PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded, PaymentStatus.Disputed],
        [PaymentStatus.PartiallyRefunded] = [PaymentStatus.Refunded, PaymentStatus.Disputed],
        [PaymentStatus.Refunded] = [PaymentStatus.Disputed],
        // A dispute closed in the shop's favour returns the payment to what it was.
        [PaymentStatus.Disputed] = [PaymentStatus.Succeeded, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded],
        [PaymentStatus.NeedsAttention] = [],
    };

    public static bool CanMove(PaymentStatus from, PaymentStatus to) =>
        from != to && (to == PaymentStatus.NeedsAttention || Forward[from].Contains(to));

    /// <summary>The outcome of the charge is not known yet: the shop must not start another attempt for the order.</summary>
    public static bool IsInFlight(PaymentStatus status) => status is PaymentStatus.Pending or PaymentStatus.Processing;

    /// <summary>Money was taken (some of it may since have gone back).</summary>
    public static bool IsPaid(PaymentStatus status) =>
        status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded or PaymentStatus.Disputed;

    /// <summary>
    /// An admin may send money back: it was taken, or the record needs attention and its PaymentIntent may hold
    /// money at Stripe (a duplicate, a mismatch). Stripe itself refuses when nothing was charged.
    /// </summary>
    public static bool IsRefundable(PaymentStatus status) => IsPaid(status) || status == PaymentStatus.NeedsAttention;

    /// <summary>Where a paid record stands once <paramref name="refunded"/> of <paramref name="amount"/> has gone back.</summary>
    public static PaymentStatus AfterRefunds(long amount, long refunded) =>
        refunded <= 0 ? PaymentStatus.Succeeded : refunded >= amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;

    /// <summary>Records the reconciler looks at when they stay like this too long.</summary>
    public static readonly PaymentStatus[] Unsettled = [PaymentStatus.Pending, PaymentStatus.Processing, PaymentStatus.RequiresAction];

    /// <summary>The attempt's outcome is known to the shop: pages answer from the database without asking Stripe.</summary>
    public static bool IsSettled(PaymentStatus status) => !Unsettled.Contains(status);
}
