namespace CoffeeShop.Web.Domain;

/// <summary>
/// A refund's status only moves forward: <c>requested</c> (the shop's row, written before Stripe is
/// asked) → <c>requires_action</c> → <c>pending</c> → <c>succeeded</c> | <c>failed</c> | <c>canceled</c>.
/// Stripe's events arrive late and out of order, so an older report (a <c>refund.created</c> saying
/// pending after a <c>refund.updated</c> saying failed) must not revive a refund.
/// </summary>
public static class RefundStatusRules
{
    public const string Requested = "requested";
    public const string RequiresAction = "requires_action";
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    private static readonly Dictionary<string, string[]> Forward = new(StringComparer.Ordinal)
    {
        [Requested] = [RequiresAction, Pending, Succeeded, Failed, Canceled],
        [RequiresAction] = [Pending, Succeeded, Failed, Canceled],
        [Pending] = [Succeeded, Failed, Canceled],
        // Stripe: rarely, a refund reported succeeded fails afterwards (the card was closed, say).
        [Succeeded] = [Failed],
        [Failed] = [],
        [Canceled] = [],
    };

    /// <summary>Whether a row in <paramref name="from"/> may take <paramref name="to"/>; a status the shop does not know never moves a row.</summary>
    public static bool CanMove(string from, string to) =>
        from != to && Forward.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>No report can change it any more.</summary>
    public static bool IsFinal(string status) => status is Failed or Canceled;

    /// <summary>Statuses of refunds that sent money back, or may still: that money cannot be refunded a second time meanwhile.</summary>
    public static readonly string[] HoldingMoney = [Requested, RequiresAction, Pending, Succeeded];
}
