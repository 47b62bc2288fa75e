using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

public sealed record RefundRequest(Guid RefundId, string PaymentIntentId, long Amount, string? Reason);
