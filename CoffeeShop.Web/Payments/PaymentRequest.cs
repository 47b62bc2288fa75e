using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <param name="Amount">The order's total, shipping included.</param>
/// <param name="ShipTo">Where the parcel goes; the provider keeps it with the payment (Stripe's <c>shipping</c>). Null only for orders from before addresses were asked for.</param>
public sealed record PaymentRequest(
    long OrderId,
    int Attempt,
    string OrderReference,
    Money Amount,
    string Email,
    string ConfirmationToken,
    string ReturnUrl,
    string IdempotencyKey,
    string Description,
    ShippingAddress? ShipTo);
