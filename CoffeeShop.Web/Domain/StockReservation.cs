namespace CoffeeShop.Web.Domain;

/// <summary>
/// The stock an attempt holds: reserved when the attempt begins (in the statement that creates it), given
/// back when it definitively fails, and made a sale when it succeeds. At most one attempt of an order holds.
/// </summary>
public enum StockReservation
{
    None,
    Held,
    Released,
    Sold,

    /// <summary>Sold, then put back on the shelf by an admin with a refund.</summary>
    Returned,
}
