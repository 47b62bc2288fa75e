namespace CoffeeShop.Web.Domain;

public class Product
{
    /// <summary>The shape of a slug: lower-case ASCII letters and digits in hyphen-separated words (no look-alikes, no slashes).</summary>
    public const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public required string Origin { get; set; }
    public Roast Roast { get; set; }
    public int WeightGrams { get; set; }
    public required string TastingNotes { get; set; }
    public required string Description { get; set; }
    public long PriceMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>Bags on hand: the sum of the product's stock movements, kept by the database.</summary>
    public int Stock { get; set; }

    /// <summary>Bags held by payment attempts that may still succeed; the database keeps it between 0 and <see cref="Stock"/>.</summary>
    public int Reserved { get; set; }

    public bool IsActive { get; set; }

    /// <summary>The product's photo; null shows the drawn bag.</summary>
    public string? PhotoHash { get; set; }

    /// <summary>Goes up with every edit of the product, so an editor saving over a newer edit is told instead.</summary>
    public int Revision { get; set; }

    public Money Price => new(PriceMinor, Currency);

    /// <summary>What a customer can still buy: on hand less what running payments hold.</summary>
    public int Available => Stock - Reserved;

    public bool InStock => Available > 0;
}
