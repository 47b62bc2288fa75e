namespace CoffeeShop.Web.Payments;

public enum CheckoutOutcomeKind
{
    Paid,
    Processing,
    RequiresAction,
    Declined,
    /// <summary>Stripe's answer is not known yet, or another form of the cart is paying; nothing new was started.</summary>
    Confirming,
    /// <summary>The form no longer matches the cart or its order; nothing was charged.</summary>
    Stale,
    /// <summary>Not enough of a coffee is left for the cart; nothing was reserved or charged.</summary>
    SoldOut,
}
