using System.Globalization;

namespace CoffeeShop.Web.Domain;

/// <summary>
/// An amount in integer minor units, as Stripe's API counts them for the currency (see
/// <see cref="Currencies"/>), with its upper-case ISO 4217 code. Money never passes through floating
/// point: prices, totals and Stripe amounts are all <see cref="long"/> minor units.
/// </summary>
public readonly record struct Money(long Minor, string Currency)
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["EUR"] = "€",
        ["USD"] = "$",
        ["GBP"] = "£",
    };

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

    /// <summary>The currency's exponent from Stripe's table; a currency outside it throws rather than guess.</summary>
    public int Exponent => Units.Exponent;

    /// <summary>The amount as a decimal in major units, for display and exports only.</summary>
    public decimal Major => (decimal)Minor / Units.MinorPerMajor;

    /// <summary>Whether Stripe accepts this amount in its currency (ISK in whole krónur, three-decimal currencies ending in 0).</summary>
    public bool IsChargeable => Units.IsChargeable(Minor);

    private CurrencyUnits Units => Currencies.Get(Currency);

    /// <summary>
    /// Reads an amount typed in major units ("12.5", "12.50") exactly, digit by digit: no floating
    /// point and no decimal-times-100 casts. More decimals than the currency has, an unknown currency
    /// or an amount Stripe would not accept in the currency (ISK 12.50) is refused.
    /// </summary>
    public static bool TryParseMajor(string? text, string currency, out Money money)
    {
        money = Zero(currency);
        if (Currencies.Find(currency) is not { } units)
        {
            return false;
        }

        var exponent = units.Exponent;
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

        if (!units.IsChargeable(minor))
        {
            return false;
        }

        money = new Money(minor, currency);
        return true;
    }

    /// <summary>The amount in major units, invariant and without grouping ("1234.50"), for forms and exports.</summary>
    public string ToMajorString() => Major.ToString("F" + Decimals, CultureInfo.InvariantCulture);

    public override string ToString()
    {
        var number = Major.ToString("N" + Decimals, CultureInfo.InvariantCulture);
        return Symbols.TryGetValue(Currency, out var symbol) ? symbol + number : $"{number} {Currency}";
    }

    private string Decimals => Units.DisplayDecimals(Minor).ToString(CultureInfo.InvariantCulture);
}
