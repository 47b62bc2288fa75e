namespace CoffeeShop.Web.Fulfilment;

/// <summary>One <c>Fulfilment:Carriers</c> entry: a carrier admins can ship with, and its tracking link with {tracking} where the number goes.</summary>
public sealed class Carrier
{
    public string Name { get; set; } = "";
    public string TrackingUrl { get; set; } = "";

    public const string TrackingPlaceholder = "{tracking}";

    public string TrackingLinkFor(string trackingNumber) => TrackingUrl.Replace(TrackingPlaceholder, Uri.EscapeDataString(trackingNumber), StringComparison.Ordinal);
}
