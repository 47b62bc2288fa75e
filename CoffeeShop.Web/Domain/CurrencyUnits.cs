namespace CoffeeShop.Web.Domain;

/// <summary>
/// How Stripe counts one presentment currency. <see cref="Exponent"/> is the number of decimals in
/// Stripe's API amounts (an amount of 1000 is 10.00 USD, 1000 JPY, 1.000 KWD), which is what
/// <see cref="Money.Minor"/> holds; <see cref="AmountStep"/> is what every amount Stripe accepts is a
/// multiple of (1 for most currencies).
/// </summary>
public sealed record CurrencyUnits(string Code, int Exponent, int AmountStep = 1)
{
    /// <summary>Minor units in one major unit: 100 for EUR, 1 for JPY, 1000 for KWD.</summary>
    public long MinorPerMajor { get; } = Exponent switch { 0 => 1, 2 => 100, 3 => 1000, _ => throw new ArgumentOutOfRangeException(nameof(Exponent)) };

    /// <summary>Whether Stripe accepts <paramref name="minor"/> as a charge or refund amount in this currency.</summary>
    public bool IsChargeable(long minor) => minor % AmountStep == 0;

    /// <summary>The smallest chargeable amount at or above <paramref name="minor"/> (ISK 14.50 becomes 15).</summary>
    public long RoundUpToChargeable(long minor) =>
        minor % AmountStep == 0 ? minor : checked(minor - (minor % AmountStep) + (minor > 0 ? AmountStep : 0));

    /// <summary>
    /// Decimals to show for <paramref name="minor"/>: the exponent, except whole amounts in a currency
    /// whose steps are whole units (ISK), which read as the whole units they are.
    /// </summary>
    public int DisplayDecimals(long minor) =>
        AmountStep == MinorPerMajor && AmountStep > 1 && minor % AmountStep == 0 ? 0 : Exponent;
}
