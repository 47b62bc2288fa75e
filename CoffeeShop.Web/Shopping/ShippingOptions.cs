namespace CoffeeShop.Web.Shopping;

/// <summary>The <c>Shipping</c> settings section: where the shop ships and what it costs.</summary>
public sealed class ShippingOptions
{
    public const string Section = "Shipping";

    public List<ShippingZone> Zones { get; set; } = [];

    /// <summary>Why the zones cannot be used, or null: every country known, in one zone only, every amount valid in the shop's currency.</summary>
    internal static string? Problem(ShippingOptions options, string currency)
    {
        if (options.Zones.Count == 0)
        {
            return "The setting Shipping:Zones is empty: the shop needs at least one zone to ship to. Set it in appsettings.json (see appsettings.Development.sample.json).";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (zone, i) in options.Zones.Select((z, i) => (z, i)))
        {
            var key = $"Shipping:Zones:{i}";
            if (string.IsNullOrWhiteSpace(zone.Name) || zone.Countries.Count == 0)
            {
                return $"The setting {key} needs a Name and at least one country in Countries.";
            }

            if (zone.Countries.FirstOrDefault(c => !Domain.Countries.IsKnown(c)) is { } unknown)
            {
                return $"The setting {key}:Countries names '{unknown}', which is not a country the shop can address (upper-case ISO 3166-1 codes such as DE; see Domain/Countries.cs).";
            }

            if (zone.Countries.FirstOrDefault(c => !seen.Add(c)) is { } twice)
            {
                return $"The setting Shipping:Zones names the country {twice} in more than one zone.";
            }

            if (!Domain.Money.TryParseMajor(zone.Rate, currency, out _))
            {
                return $"The setting {key}:Rate must be an amount in {currency} such as 4.90.";
            }

            if (!string.IsNullOrEmpty(zone.FreeFrom) && !Domain.Money.TryParseMajor(zone.FreeFrom, currency, out _))
            {
                return $"The setting {key}:FreeFrom must be an amount in {currency} such as 40.00, or empty.";
            }
        }

        return null;
    }
}
