namespace CoffeeShop.Web.Domain;

public class Product
{
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
    /// <summary>Bags on hand.</summary>
    public int Stock { get; set; }

    /// <summary>Bags held by payment attempts that may still succeed; the database keeps it between 0 and <see cref="Stock"/>.</summary>
    public int Reserved { get; set; }

    public bool IsActive { get; set; }

    public Money Price => new(PriceMinor, Currency);

    /// <summary>What a customer can still buy: on hand less what running payments hold.</summary>
    public int Available => Stock - Reserved;

    public bool InStock => Available > 0;
}
