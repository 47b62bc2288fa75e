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

/// <summary>
/// Every presentment currency Stripe supports, with the exponent of its API amounts, from Stripe's
/// "Supported currencies" page (docs.stripe.com/currencies): zero-decimal, three-decimal and special
/// cases as listed there; every other supported currency is two-decimal. A currency missing here is
/// refused at start-up rather than guessed, because a wrong exponent shows one amount and charges another.
/// </summary>
public static class Currencies
{
    // Amounts are the currency's whole units, not multiplied by 100.
    private static readonly string[] ZeroDecimal =
    [
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    ];

    // Amounts have three decimals, but Stripe's partners need the last digit to be 0 (5.124 KWD cannot be charged; 5.120 can).
    private static readonly string[] ThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

    // ISK became effectively zero-decimal (whole krónur only since 2023), but Stripe keeps it two-decimal in
    // the API for backwards compatibility: 5 ISK is sent as 500 and amounts must be divisible by 100.
    private static readonly CurrencyUnits Isk = new("ISK", Exponent: 2, AmountStep: 100);

    // Two-decimal. HUF and TWD are Stripe special cases only for payouts (whole units, divisible by 100);
    // charges and refunds take two decimals, and the shop makes no payouts.
    private static readonly string[] TwoDecimal =
    [
        "USD", "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD",
        "BND", "BOB", "BRL", "BSD", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CVE", "CZK", "DKK",
        "DOP", "DZD", "EGP", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG",
        "HUF", "IDR", "ILS", "INR", "JMD", "KES", "KGS", "KHR", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD",
        "MDL", "MKD", "MMK", "MNT", "MOP", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
        "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SEK", "SGD",
        "SHP", "SLE", "SOS", "SRD", "STD", "SZL", "THB", "TJS", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UYU", "UZS",
        "WST", "XCD", "YER", "ZAR", "ZMW",
    ];

    private static readonly Dictionary<string, CurrencyUnits> Table =
        ZeroDecimal.Select(code => new CurrencyUnits(code, 0))
            .Concat(ThreeDecimal.Select(code => new CurrencyUnits(code, 3, AmountStep: 10)))
            .Concat(TwoDecimal.Select(code => new CurrencyUnits(code, 2)))
            .Append(Isk)
            .ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static IReadOnlyCollection<CurrencyUnits> All => Table.Values;

    /// <summary>The currency for an upper-case ISO 4217 code, or null when Stripe does not take it.</summary>
    public static CurrencyUnits? Find(string? code) => code is not null && Table.TryGetValue(code, out var units) ? units : null;

    public static bool IsSupported(string? code) => Find(code) is not null;

    public static CurrencyUnits Get(string code) =>
        Find(code) ?? throw new ArgumentException($"{code} is not a currency Stripe supports, so its minor unit is unknown.", nameof(code));
}
