namespace CoffeeShop.Web.Domain;

/// <summary>
/// A slug a product had before: its old address keeps working with a permanent redirect, and no other
/// product can take it (trigger <c>product_slugs_stay_unique</c>).
/// </summary>
public class ProductFormerSlug
{
    public required string Slug { get; set; }
    public int ProductId { get; set; }
    public DateTimeOffset RetiredAt { get; set; }
}
