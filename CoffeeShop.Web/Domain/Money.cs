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

    /// <summary>
    /// Reads an amount typed in major units ("12.5", "12.50") exactly, digit by digit: no floating
    /// point and no decimal-times-100 casts. More decimals than the currency has is refused.
    /// </summary>
    public static bool TryParseMajor(string? text, string currency, out Money money)
    {
        money = Zero(currency);
        var exponent = ZeroDecimal.Contains(currency) ? 0 : 2;
        var parts = (text ?? "").Trim().Split('.');
        if (parts.Length > 2 || parts[0].Length is 0 or > 9 || !parts[0].All(char.IsAsciiDigit)
            || (parts.Length == 2 && (parts[1].Length == 0 || parts[1].Length > exponent || !parts[1].All(char.IsAsciiDigit))))
        {
            return false;
        }

        var minor = long.Parse(parts[0], CultureInfo.InvariantCulture);
        for (var i = 0; i < exponent; i++)
        {
            var digit = parts.Length == 2 && i < parts[1].Length ? parts[1][i] - '0' : 0;
            minor = (minor * 10) + digit;
        }

        money = new Money(minor, currency);
        return true;
    }

    public override string ToString()
    {
        var number = Major.ToString(Exponent == 0 ? "N0" : "N2", CultureInfo.InvariantCulture);
        return Symbols.TryGetValue(Currency, out var symbol) ? symbol + number : $"{number} {Currency}";
    }
}
