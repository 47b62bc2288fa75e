namespace CoffeeShop.Web.Domain;

/// <summary>An anonymous shopper's cart, identified by the id in their cart cookie.</summary>
public class Cart
{
    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// How many of this cart's orders were paid: the sale that pays one moves the cart to the next round.
    /// An order belongs to the round its checkout read, and a round has one order that was not abandoned
    /// (a unique index), so a form whose cart was read before another tab's payment cannot start a second order.
    /// </summary>
    public int Round { get; set; }
    public List<CartItem> Items { get; set; } = [];
}
