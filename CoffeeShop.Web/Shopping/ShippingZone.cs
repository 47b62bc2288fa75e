namespace CoffeeShop.Web.Shopping;

/// <summary>One <c>Shipping:Zones</c> entry: countries that share a flat rate and a free-shipping threshold (amounts in major units, "4.90").</summary>
public sealed class ShippingZone
{
    public string Name { get; set; } = "";
    public List<string> Countries { get; set; } = [];
    public string Rate { get; set; } = "";

    /// <summary>Goods worth at least this ship free; empty means never.</summary>
    public string? FreeFrom { get; set; }
}
