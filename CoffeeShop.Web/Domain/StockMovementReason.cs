namespace CoffeeShop.Web.Domain;

/// <summary>
/// Why a product's bags changed. The first three are an admin's (with who and a note); the rest are
/// the payments' own, each naming its order.
/// </summary>
public enum StockMovementReason
{
    /// <summary>Bags came in from the roastery: on hand goes up.</summary>
    Received,

    /// <summary>Bags were found spoiled or broken: on hand goes down.</summary>
    Damaged,

    /// <summary>A count found another figure: on hand moves either way.</summary>
    Correction,

    /// <summary>A payment attempt began and holds the bags.</summary>
    Reservation,

    /// <summary>The attempt failed for good, or its order was abandoned: the bags are free again.</summary>
    ReservationRelease,

    /// <summary>The payment succeeded: the bags leave on hand (and the reservation, when the attempt held them).</summary>
    Sale,

    /// <summary>A refund brought sold bags back onto the shelf.</summary>
    Return,
}
