namespace CoffeeShop.Web.Domain;

/// <summary>One step in an order's fulfilment timeline: who moved it, when, and from where to where.</summary>
public class OrderEvent
{
    /// <summary>The actor of steps the shop takes itself.</summary>
    public const string ShopActor = "shop";

    public long Id { get; set; }
    public long OrderId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The admin's email, or "shop" for a step the shop took itself (the payment).</summary>
    public required string Actor { get; set; }

    public FulfilmentStatus? FromStatus { get; set; }
    public FulfilmentStatus? ToStatus { get; set; }
    public required string Note { get; set; }
}
