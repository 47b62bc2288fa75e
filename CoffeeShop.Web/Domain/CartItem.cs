namespace CoffeeShop.Web.Domain;

public class CartItem
{
    public long Id { get; set; }
    public Guid CartId { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public int Quantity { get; set; }
}
