namespace CoffeeShop.Web.Domain;

public enum Roast
{
    Light,
    Medium,
    Dark,
}

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
    public int Stock { get; set; }
    public bool IsActive { get; set; }

    public Money Price => new(PriceMinor, Currency);
    public bool InStock => Stock > 0;
}
