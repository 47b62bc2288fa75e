using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Shopping;

public enum CartChange
{
    Done,
    ProductUnavailable,
    QuantityOutOfRange,
    NotInCart,
    /// <summary>Done, with fewer bags than asked: the cart holds what is available.</summary>
    CappedAtAvailable,
}
