using System.Globalization;

namespace CoffeeShop.Web.Domain;

/// <summary>
/// An amount in integer minor units (cents) with its ISO 4217 currency code. Money never passes
/// through floating point: prices, totals and Stripe amounts are all <see cref="long"/> minor units.
/// </summary>
public readonly record struct Money(long Minor, string Currency)
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["EUR"] = "€",
        ["USD"] = "$",
        ["GBP"] = "£",
    };

    // Currencies that Stripe treats as zero-decimal; the shop only sells in a few, but formatting must not lie.
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.Ordinal) { "JPY", "KRW", "VND", "CLP" };

    public static Money Zero(string currency) => new(0, currency);

    public Money Times(int quantity) => this with { Minor = checked(Minor * quantity) };

    public Money Plus(Money other)
    {
        if (other.Currency != Currency)
        {
            throw new InvalidOperationException($"Cannot add {other.Currency} to {Currency}.");
        }

        return this with { Minor = checked(Minor + other.Minor) };
    }

    public int Exponent => ZeroDecimal.Contains(Currency) ? 0 : 2;

    /// <summary>The amount as a decimal in major units, for display and exports only.</summary>
    public decimal Major => Exponent == 0 ? Minor : Minor / 100m;

    public override string ToString()
    {
        var number = Major.ToString(Exponent == 0 ? "N0" : "N2", CultureInfo.InvariantCulture);
        return Symbols.TryGetValue(Currency, out var symbol) ? symbol + number : $"{number} {Currency}";
    }
}
