namespace CoffeeShop.Web.Payments;

/// <summary>What a payment's change does to its order's bags.</summary>
internal enum StockMove
{
    None,

    /// <summary>An attempt begins: its bags are reserved (an inactive product's reservation is made too large to pass the check, so it counts as sold out).</summary>
    Hold,

    /// <summary>The attempt failed for good: its bags become available again.</summary>
    Release,

    /// <summary>The attempt that held the bags paid: they leave stock and the reservation.</summary>
    SellHeld,

    /// <summary>Late money, the bags no longer held but still available (checked and locked): they leave stock.</summary>
    SellAvailable,

    /// <summary>Sold bags come back with a refund: they are on hand again.</summary>
    Return,
}
