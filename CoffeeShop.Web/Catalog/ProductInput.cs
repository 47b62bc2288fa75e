namespace CoffeeShop.Web.Catalog;

/// <summary>
/// A product as an admin typed it, in the editor or in a row of an imported CSV: every field text, as
/// it came. <see cref="ProductRules.TryRead"/> decides whether it can be a product.
/// </summary>
public sealed class ProductInput
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Origin { get; set; }

    /// <summary>Light, Medium or Dark.</summary>
    public string? Roast { get; set; }

    /// <summary>Grams in a bag, a whole number.</summary>
    public string? WeightGrams { get; set; }

    public string? TastingNotes { get; set; }
    public string? Description { get; set; }

    /// <summary>The price in major units of the shop's currency, with a dot: "14.50".</summary>
    public string? Price { get; set; }
}
