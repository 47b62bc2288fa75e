namespace CoffeeShop.Web.Domain;

/// <summary>
/// VAT included in gross prices, in integer minor units. The one rounding rule (ADR 0012): for each rate,
/// the VAT in the gross total at that rate is gross × rate ÷ (100 % + rate), rounded half up to a whole
/// minor unit, once per rate (never per line); net is gross − VAT. So net + VAT is the gross exactly, and
/// the grosses of all rates add up to what was charged.
/// </summary>
public static class Vat
{
    /// <summary>Rates are kept in basis points: 700 is 7 %, 1900 is 19 %.</summary>
    public const int BasisPointsPerWhole = 10_000;

    /// <summary>The VAT inside a gross amount at a rate, rounded half up.</summary>
    public static long IncludedIn(long grossMinor, int rateBasisPoints)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(grossMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(rateBasisPoints);
        var denominator = (long)BasisPointsPerWhole + rateBasisPoints;
        return checked((2 * grossMinor * rateBasisPoints) + denominator) / (2 * denominator);
    }

    /// <summary>Gross amounts summed per rate, then split once per rate; highest rate first.</summary>
    public static IReadOnlyList<VatAmounts> Breakdown(IEnumerable<(long GrossMinor, int RateBasisPoints)> parts) =>
        parts.GroupBy(p => p.RateBasisPoints)
            .Select(g =>
            {
                var gross = g.Sum(p => p.GrossMinor);
                return new VatAmounts(g.Key, gross, IncludedIn(gross, g.Key));
            })
            .Where(a => a.GrossMinor > 0)
            .OrderByDescending(a => a.RateBasisPoints)
            .ToList();

    /// <summary>"7 %", "5.5 %".</summary>
    public static string FormatRate(int rateBasisPoints) =>
        (rateBasisPoints / 100m).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
