namespace CoffeeShop.Web.Domain;

/// <summary>
/// What a person reads for each status and kind the shop stores as a code: one mapping per enum,
/// used by every page that shows one (tables, filters, detail pages, the dashboard). CSV exports
/// keep the codes, which spreadsheets and scripts filter on. A value without a label throws, and
/// <c>StatusLabelsTests</c> walks every value, so a new status cannot reach a page as "NewStatus".
/// </summary>
public static class StatusLabels
{
    public static string Label(this PaymentStatus status) => status switch
    {
        PaymentStatus.Pending => "Pending",
        PaymentStatus.RequiresAction => "Awaiting authentication",
        PaymentStatus.Processing => "Processing",
        PaymentStatus.Succeeded => "Succeeded",
        PaymentStatus.Failed => "Failed",
        PaymentStatus.Canceled => "Canceled",
        PaymentStatus.PartiallyRefunded => "Partially refunded",
        PaymentStatus.Refunded => "Refunded",
        PaymentStatus.Disputed => "Disputed",
        PaymentStatus.NeedsAttention => "Needs attention",
        _ => throw Unlabelled(status),
    };

    public static string Label(this OrderStatus status) => status switch
    {
        OrderStatus.AwaitingPayment => "Awaiting payment",
        OrderStatus.Paid => "Paid",
        OrderStatus.Abandoned => "Abandoned",
        _ => throw Unlabelled(status),
    };

    /// <summary>The fulfilment step's label, as <see cref="FulfilmentRules.Label"/> says it.</summary>
    public static string Label(this FulfilmentStatus status) => FulfilmentRules.Label(status);

    public static string Label(this OutboxStatus status) => status switch
    {
        OutboxStatus.Pending => "Waiting to send",
        OutboxStatus.Sent => "Sent",
        OutboxStatus.Failed => "Failed",
        _ => throw Unlabelled(status),
    };

    public static string Label(this MessageKind kind) => kind switch
    {
        MessageKind.OrderConfirmation => "Order confirmation",
        MessageKind.PaymentProcessing => "Payment processing",
        MessageKind.PaymentFailed => "Payment failed",
        MessageKind.OrderShipped => "Order shipped",
        MessageKind.RefundIssued => "Refund issued",
        MessageKind.AdminAlert => "Admin alert",
        MessageKind.AdminInvitation => "Admin invitation",
        MessageKind.PasswordReset => "Password reset",
        _ => throw Unlabelled(kind),
    };

    public static string Label(this AuditAction action) => action switch
    {
        AuditAction.SignIn => "Signed in",
        AuditAction.SignInFailed => "Sign-in failed",
        AuditAction.LockedOut => "Locked out",
        AuditAction.SignOut => "Signed out",
        AuditAction.Refund => "Refund",
        AuditAction.Resync => "Re-synced from Stripe",
        AuditAction.Resolve => "Marked resolved",
        AuditAction.FulfilmentStep => "Fulfilment step",
        AuditAction.ProductCreated => "Product created",
        AuditAction.ProductChanged => "Product changed",
        AuditAction.ProductActivated => "Product activated",
        AuditAction.ProductDeactivated => "Product deactivated",
        AuditAction.PhotoChanged => "Photo changed",
        AuditAction.StockMoved => "Stock moved",
        AuditAction.CatalogImported => "Catalog imported",
        AuditAction.AdminInvited => "Admin invited",
        AuditAction.AdminEnrolled => "Admin enrolled",
        AuditAction.AdminDisabled => "Admin disabled",
        AuditAction.AdminEnabled => "Admin enabled",
        AuditAction.AdminRemoved => "Admin removed",
        AuditAction.InvitationRevoked => "Invitation revoked",
        AuditAction.PasswordResetRequested => "Password reset requested",
        AuditAction.PasswordReset => "Password reset",
        AuditAction.EmailResent => "Email sent again",
        _ => throw Unlabelled(action),
    };

    /// <summary>The codes a refund's status takes (see <see cref="RefundStatusRules"/>); one Stripe may add later reads as itself, with spaces.</summary>
    public static IReadOnlyList<string> RefundStatuses { get; } =
    [
        RefundStatusRules.Requested, RefundStatusRules.RequiresAction, RefundStatusRules.Pending,
        RefundStatusRules.Succeeded, RefundStatusRules.Failed, RefundStatusRules.Canceled,
    ];

    public static string RefundLabel(string status) => status switch
    {
        RefundStatusRules.Requested => "Requested",
        RefundStatusRules.RequiresAction => "Awaiting action",
        RefundStatusRules.Pending => "Pending",
        RefundStatusRules.Succeeded => "Succeeded",
        RefundStatusRules.Failed => "Failed",
        RefundStatusRules.Canceled => "Canceled",
        _ => status.Length == 0 ? status : char.ToUpperInvariant(status[0]) + status[1..].Replace('_', ' '),
    };

    private static ArgumentOutOfRangeException Unlabelled<T>(T value) where T : struct, Enum =>
        new(nameof(value), value, $"{typeof(T).Name}.{value} has no label.");
}
