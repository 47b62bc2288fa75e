namespace CoffeeShop.Web.Retention;

/// <summary>What one instance's retention pass did; <paramref name="StoodBack"/>: another instance held the lock.</summary>
public sealed record RetentionPass(int PayloadsPurged, int CartsDeleted, bool StoodBack);
