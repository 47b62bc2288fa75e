using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;

namespace CoffeeShop.Web.Payments;

/// <summary>A checkout form that passed every check: the cart as it is now, where the parcel goes and how the card was given.</summary>
public sealed record CheckoutSubmission(CartView Cart, Guid CheckoutId, string Email, ShippingAddress ShipTo, string ConfirmationToken, Func<string, string> ReturnUrlFor)
{
    /// <summary>Shipping for this cart to this address, by the price list the cart fingerprint covers.</summary>
    public Money Shipping => Cart.ShippingTo(ShipTo.Country);

    public Money Total => Cart.TotalTo(ShipTo.Country);
}
