using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Catalog;

/// <summary>A product's editable fields, checked: what <see cref="ProductRules.TryRead"/> answers and what the editor and the import write.</summary>
public sealed record ProductDetails(string Slug, string Name, string Origin, Roast Roast, int WeightGrams, string TastingNotes, string Description, Money Price)
{
    /// <summary>The fields as they are on <paramref name="product"/>: the "before" of an audit entry.</summary>
    public static ProductDetails Of(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new(product.Slug, product.Name, product.Origin, product.Roast, product.WeightGrams, product.TastingNotes, product.Description, product.Price);
    }

    /// <summary>Writes the fields onto <paramref name="product"/> (a new one, or one being edited).</summary>
    public void ApplyTo(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        product.Slug = Slug;
        product.Name = Name;
        product.Origin = Origin;
        product.Roast = Roast;
        product.WeightGrams = WeightGrams;
        product.TastingNotes = TastingNotes;
        product.Description = Description;
        product.PriceMinor = Price.Minor;
        product.Currency = Price.Currency;
    }

    /// <summary>What the audit log keeps of the fields: the price as text, so a reader sees "€14.50", not minor units.</summary>
    public object ForAudit() => new { Slug, Name, Origin, Roast = Roast.ToString(), WeightGrams, TastingNotes, Description, Price = Price.ToString() };
}
