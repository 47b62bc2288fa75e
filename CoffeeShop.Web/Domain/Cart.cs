namespace CoffeeShop.Web.Domain;

/// <summary>An anonymous shopper's cart, identified by the id in their cart cookie.</summary>
public class Cart
{
    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<CartItem> Items { get; set; } = [];
}

public class CartItem
{
    public long Id { get; set; }
    public Guid CartId { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public int Quantity { get; set; }
}

/// <summary>The rules every cart change obeys, whichever page makes it.</summary>
public static class CartRules
{
    public const int MinQuantity = 1;
    public const int MaxQuantity = 99;

    public static bool IsValidQuantity(int quantity) => quantity is >= MinQuantity and <= MaxQuantity;
}
