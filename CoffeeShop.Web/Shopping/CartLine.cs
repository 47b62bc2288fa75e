using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Shopping;

public sealed record CartLine(int ProductId, string Slug, string Name, Roast Roast, int WeightGrams, Money UnitPrice, int Quantity, int Available, bool IsActive)
{
    public Money LineTotal => UnitPrice.Times(Quantity);

    /// <summary>Why this line cannot be paid as it is, or null when it can.</summary>
    public string? Problem =>
        !IsActive ? $"{Name} is no longer sold."
        : Available <= 0 ? $"{Name} is sold out."
        : Quantity > Available ? $"Only {Available} {(Available == 1 ? "bag" : "bags")} of {Name} {(Available == 1 ? "is" : "are")} left."
        : null;
}
