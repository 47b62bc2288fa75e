namespace CoffeeShop.Web.Domain;

/// <summary>Where a paid order is on its way to the customer; null on an order not paid.</summary>
public enum FulfilmentStatus
{
    ToPack,
    Packed,
    Shipped,
    Delivered,
    Canceled,
}
