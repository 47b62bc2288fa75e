using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Pages.Admin.Orders;

/// <summary>What a packing slip prints: the order (lines and address), the shop's name and the order date in the shop's time zone.</summary>
public sealed record PackingSlipView(Order Order, string ShopName, string Date);
