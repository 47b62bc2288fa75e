namespace CoffeeShop.Web.Domain;

public enum PaymentStatus
{
    Pending,
    RequiresAction,
    Processing,
    Succeeded,
    Failed,
    Canceled,
    PartiallyRefunded,
    Refunded,
    Disputed,
    NeedsAttention,
}
