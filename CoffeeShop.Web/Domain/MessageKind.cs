namespace CoffeeShop.Web.Domain;

/// <summary>What an <see cref="OutboxMessage"/> tells its reader; each kind has one template.</summary>
public enum MessageKind
{
    /// <summary>To the customer: the order is paid, with its lines, address, totals and links to the order and invoice.</summary>
    OrderConfirmation,

    /// <summary>To the customer: a delayed payment method is still being processed.</summary>
    PaymentProcessing,

    /// <summary>To the customer: the payment failed after they left the checkout, with a link to try again.</summary>
    PaymentFailed,

    /// <summary>To the customer: the parcel left, with the carrier and its tracking link.</summary>
    OrderShipped,

    /// <summary>To the customer: money went back, with the amount and the credit note.</summary>
    RefundIssued,

    /// <summary>To the admins: payments need attention or a dispute opened; at most one per alert interval.</summary>
    AdminAlert,

    /// <summary>To a colleague invited from the Team page: the one-time enrolment link.</summary>
    AdminInvitation,

    /// <summary>To an admin who forgot the password: Identity's reset link.</summary>
    PasswordReset,
}
