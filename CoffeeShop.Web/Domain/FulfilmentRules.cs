namespace CoffeeShop.Web.Domain;

/// <summary>
/// The one place that says which fulfilment steps exist: Paid (to pack) → Packed → Shipped → Delivered,
/// and Canceled from to-pack or packed. Forward only: nothing goes back, a shipped parcel is not canceled.
/// </summary>
public static class FulfilmentRules
{
    private static readonly Dictionary<FulfilmentStatus, FulfilmentStatus[]> Steps = new()
    {
        [FulfilmentStatus.ToPack] = [FulfilmentStatus.Packed, FulfilmentStatus.Canceled],
        [FulfilmentStatus.Packed] = [FulfilmentStatus.Shipped, FulfilmentStatus.Canceled],
        [FulfilmentStatus.Shipped] = [FulfilmentStatus.Delivered],
        [FulfilmentStatus.Delivered] = [],
        [FulfilmentStatus.Canceled] = [],
    };

    public static bool CanMove(FulfilmentStatus from, FulfilmentStatus to) => Steps[from].Contains(to);

    /// <summary>The steps an admin may take next, in the order the desk shows them.</summary>
    public static IReadOnlyList<FulfilmentStatus> NextSteps(FulfilmentStatus from) => Steps[from];

    /// <summary>What a customer and an admin read for the status.</summary>
    public static string Label(FulfilmentStatus status) => status switch
    {
        FulfilmentStatus.ToPack => "Paid, to pack",
        FulfilmentStatus.Packed => "Packed",
        FulfilmentStatus.Shipped => "Shipped",
        FulfilmentStatus.Delivered => "Delivered",
        FulfilmentStatus.Canceled => "Canceled",
        _ => status.ToString(),
    };
}
