using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Shopping;

/// <summary>One shipping zone as a customer reads it: its countries, its flat rate and the goods total from which it ships free (null: never).</summary>
public sealed record ShippingRate(string Zone, IReadOnlyList<string> Countries, Money Rate, Money? FreeFrom)
{
    /// <summary>"Shipping to Germany: €4.90, free from €40.00".</summary>
    public string Summary => FreeFrom is { } threshold
        ? $"Shipping to {Zone}: {Rate}, free from {threshold}"
        : $"Shipping to {Zone}: {Rate}";

    /// <summary>The zone's countries by name, for a zone whose name does not say them.</summary>
    public string CountryNames => string.Join(", ", Countries.Select(Domain.Countries.Name).Order(StringComparer.Ordinal));
}
