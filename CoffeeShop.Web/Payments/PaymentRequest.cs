using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

public sealed record PaymentRequest(
    long OrderId,
    int Attempt,
    string OrderReference,
    Money Amount,
    string Email,
    string ConfirmationToken,
    string ReturnUrl,
    string IdempotencyKey,
    string Description);
