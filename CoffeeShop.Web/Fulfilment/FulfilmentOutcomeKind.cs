namespace CoffeeShop.Web.Fulfilment;

public enum FulfilmentOutcomeKind
{
    /// <summary>The order moved, and its timeline says who moved it.</summary>
    Applied,

    /// <summary>The order is no longer where the admin saw it (another admin, a double submit, a stale page): nothing changed.</summary>
    AlreadyMoved,

    /// <summary>The step does not exist from there (ship a canceled order), or its details are not acceptable: nothing changed.</summary>
    Refused,

    /// <summary>No paid order has this id.</summary>
    NotFound,
}
