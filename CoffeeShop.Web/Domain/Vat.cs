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

    /// <summary>
    /// Splits a part of an order's gross (a partial refund) over the order's VAT rates in proportion to the
    /// gross each rate holds, then takes the VAT out of each part with <see cref="IncludedIn"/>. Largest
    /// remainder: each rate first gets its share rounded down to a whole minor unit; the minor units left
    /// over go one each to the rates whose shares lost the most in rounding (on a tie, the higher rate, as
    /// <see cref="Breakdown"/> lists them first). So the parts add up to <paramref name="grossMinor"/> exactly,
    /// and no rate gets more than its exact share rounded up. Rates that get nothing are left out.
    /// </summary>
    public static IReadOnlyList<VatAmounts> Split(long grossMinor, IReadOnlyList<VatAmounts> over)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(grossMinor);
        ArgumentNullException.ThrowIfNull(over);
        var whole = over.Aggregate(Int128.Zero, (sum, a) => sum + a.GrossMinor);
        if (grossMinor == 0 || whole <= 0)
        {
            return [];
        }

        var shares = over.Select((a, index) =>
        {
            var exact = (Int128)grossMinor * a.GrossMinor;
            return (a.RateBasisPoints, Index: index, Floor: (long)(exact / whole), Remainder: exact % whole);
        }).ToList();
        var left = grossMinor - shares.Sum(s => s.Floor);
        var roundedUp = shares.OrderByDescending(s => s.Remainder).ThenBy(s => s.Index).Take((int)left).Select(s => s.Index).ToHashSet();
        var parts = new List<VatAmounts>();
        foreach (var share in shares)
        {
            var part = share.Floor + (roundedUp.Contains(share.Index) ? 1 : 0);
            if (part > 0)
            {
                parts.Add(new VatAmounts(share.RateBasisPoints, part, IncludedIn(part, share.RateBasisPoints)));
            }
        }

        return parts;
    }

    /// <summary>"7 %", "5.5 %".</summary>
    public static string FormatRate(int rateBasisPoints) =>
        (rateBasisPoints / 100m).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
