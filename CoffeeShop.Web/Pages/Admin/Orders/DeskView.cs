namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>The desk's filters, in the order its tabs show them.</summary>
public enum DeskView
{
    All,
    ToPack,
    Packed,
    Shipped,
    Delivered,
    Canceled,
    NeedsAttention,
}
