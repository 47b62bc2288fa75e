using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

public sealed record CheckoutOutcome(CheckoutOutcomeKind Kind, string? OrderPublicId = null, string? RedirectUrl = null, string? DeclineCode = null);
