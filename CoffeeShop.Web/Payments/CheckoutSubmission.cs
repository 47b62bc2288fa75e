using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;

namespace CoffeeShop.Web.Payments;

public sealed record CheckoutSubmission(CartView Cart, Guid CheckoutId, string Email, string ConfirmationToken, Func<string, string> ReturnUrlFor);
