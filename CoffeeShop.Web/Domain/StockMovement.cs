namespace CoffeeShop.Web.Domain;

/// <summary>
/// One line of the stock ledger. A product's on-hand and reserved figures are the sums of its
/// movements: the database applies each inserted movement to the product (trigger
/// <c>stock_movements_apply</c>), refuses any other change to those figures, and never lets a
/// movement be edited or deleted.
/// </summary>
public class StockMovement
{
    /// <summary>The longest note an admin can give a movement.</summary>
    public const int NoteMaxLength = 200;

    public long Id { get; set; }
    public int ProductId { get; set; }

    /// <summary>Bags added to (positive) or taken from (negative) on hand.</summary>
    public int OnHandDelta { get; set; }

    /// <summary>Bags added to or taken from the reservation held by running payment attempts.</summary>
    public int ReservedDelta { get; set; }

    public StockMovementReason Reason { get; set; }

    /// <summary>The order whose payment moved the bags; null for an admin's movement.</summary>
    public long? OrderId { get; set; }

    /// <summary>The admin's user id; null for the payments' movements and the catalog seed.</summary>
    public string? ActorId { get; set; }

    /// <summary>Who moved the bags, as shown: the admin's email, "catalog seed", or null for a payment.</summary>
    public string? Actor { get; set; }

    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Whether an admin makes this kind of movement (the others come only from payments).</summary>
    public static bool IsAdminReason(StockMovementReason reason) =>
        reason is StockMovementReason.Received or StockMovementReason.Damaged or StockMovementReason.Correction;
}
