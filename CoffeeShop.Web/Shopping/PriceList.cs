using System.Globalization;
using CoffeeShop.Web.Domain;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Shopping;

/// <summary>
/// What the shop charges besides the coffee: shipping per destination and the VAT rate included in
/// prices, read once from configuration. Its <see cref="Fingerprint"/> goes into the cart's, so a
/// checkout form rendered under other rates is out of date.
/// </summary>
public sealed class PriceList
{
    private readonly Dictionary<string, (ShippingZone Zone, Money Rate, Money? FreeFrom)> byCountry;

    public PriceList(IOptions<ShippingOptions> shipping, IOptions<ShopOptions> shop)
    {
        Currency = shop.Value.Currency;
        VatRateBasisPoints = shop.Value.VatRateBasisPoints;
        byCountry = new Dictionary<string, (ShippingZone, Money, Money?)>(StringComparer.Ordinal);
        foreach (var zone in shipping.Value.Zones)
        {
            Money.TryParseMajor(zone.Rate, Currency, out var rate);
            Money? freeFrom = Money.TryParseMajor(zone.FreeFrom, Currency, out var threshold) ? threshold : null;
            foreach (var country in zone.Countries)
            {
                byCountry[country] = (zone, rate, freeFrom);
            }
        }

        Rates = shipping.Value.Zones.Select(z => new ShippingRate(z.Name, z.Countries, byCountry[z.Countries[0]].Rate, byCountry[z.Countries[0]].FreeFrom)).ToList();
        DefaultDestination = shipping.Value.Zones is [var first, ..] ? first.Countries[0] : "DE";
        Destinations = byCountry.Keys.Select(Countries.Get).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        Fingerprint = string.Join('|', byCountry.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}:{p.Value.Rate.Minor}:{p.Value.FreeFrom?.Minor.ToString(CultureInfo.InvariantCulture) ?? "-"}"))
            + $"|vat:{VatRateBasisPoints}|{Currency}";
    }

    public string Currency { get; }

    /// <summary>The VAT rate included in every price and in shipping, in basis points (700 = 7 %).</summary>
    public int VatRateBasisPoints { get; }

    /// <summary>The countries the shop ships to, by name.</summary>
    public IReadOnlyList<Countries.Country> Destinations { get; }

    /// <summary>Each zone's rate and free-shipping threshold, in the order the settings list them.</summary>
    public IReadOnlyList<ShippingRate> Rates { get; }

    /// <summary>The country a cart shows shipping for before the customer chose one: the first zone's first country.</summary>
    public string DefaultDestination { get; }

    /// <summary>Every rate and threshold, in one string: part of the cart fingerprint.</summary>
    public string Fingerprint { get; }

    public bool ShipsTo(string? country) => country is not null && byCountry.ContainsKey(country);

    /// <summary>Shipping for goods worth <paramref name="goods"/> to a country the shop ships to: free at or above the zone's threshold.</summary>
    public Money ShippingTo(string country, Money goods)
    {
        var (_, rate, freeFrom) = byCountry[country];
        return freeFrom is { } threshold && goods.Minor >= threshold.Minor ? Money.Zero(Currency) : rate;
    }
}
