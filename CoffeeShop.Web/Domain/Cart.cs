namespace CoffeeShop.Web.Domain;

/// <summary>An anonymous shopper's cart, identified by the id in their cart cookie.</summary>
public class Cart
{
    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<CartItem> Items { get; set; } = [];
}
