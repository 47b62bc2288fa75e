using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

public enum RefundOutcomeKind
{
    Refunded,
    AlreadyRequested,
    Refused,
    Pending,
}
