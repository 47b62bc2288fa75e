using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

public sealed record RefundOutcome(RefundOutcomeKind Kind, string Message);
