namespace CoffeeShop.Web.Domain;

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
