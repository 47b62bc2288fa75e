using System.Text.RegularExpressions;

namespace CoffeeShop.Web.Domain;

/// <summary>
/// The countries the shop knows how to address a parcel to: English name and the postal-code form
/// each country's post uses. A shipping zone can only name a country from this table, so every
/// country a customer can choose has its postal code checked.
/// </summary>
public static partial class Countries
{
    public sealed record Country(string Code, string Name, Regex PostalCode, string PostalCodeExample);

    private static readonly Country[] All =
    [
        new("AT", "Austria", FourDigits(), "1010"),
        new("BE", "Belgium", FourDigits(), "1000"),
        new("CH", "Switzerland", FourDigits(), "8001"),
        new("DE", "Germany", FiveDigits(), "10115"),
        new("DK", "Denmark", FourDigits(), "1050"),
        new("ES", "Spain", FiveDigits(), "28001"),
        new("FI", "Finland", FiveDigits(), "00100"),
        new("FR", "France", FiveDigits(), "75001"),
        new("GB", "United Kingdom", UnitedKingdom(), "SW1A 1AA"),
        new("IE", "Ireland", Ireland(), "D02 X285"),
        new("IT", "Italy", FiveDigits(), "00118"),
        new("LU", "Luxembourg", FourDigits(), "1009"),
        new("NL", "Netherlands", Netherlands(), "1012 AB"),
        new("NO", "Norway", FourDigits(), "0150"),
        new("PL", "Poland", Poland(), "00-001"),
        new("PT", "Portugal", Portugal(), "1000-001"),
        new("SE", "Sweden", Sweden(), "111 22"),
        new("US", "United States", UnitedStates(), "94103"),
    ];

    private static readonly Dictionary<string, Country> ByCode = All.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && ByCode.ContainsKey(code);

    public static Country Get(string code) => ByCode[code];

    public static string Name(string code) => ByCode.TryGetValue(code, out var country) ? country.Name : code;

    /// <summary>Whether the postal code has the form the country's post uses (already trimmed, any letter case).</summary>
    public static bool IsValidPostalCode(string code, string postalCode) =>
        ByCode.TryGetValue(code, out var country) && country.PostalCode.IsMatch(postalCode);

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex FourDigits();

    [GeneratedRegex(@"^\d{5}$")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"^[1-9]\d{3} ?[A-Za-z]{2}$")]
    private static partial Regex Netherlands();

    [GeneratedRegex(@"^\d{2}-\d{3}$")]
    private static partial Regex Poland();

    [GeneratedRegex(@"^\d{4}-\d{3}$")]
    private static partial Regex Portugal();

    [GeneratedRegex(@"^\d{3} ?\d{2}$")]
    private static partial Regex Sweden();

    [GeneratedRegex(@"^\d{5}(-\d{4})?$")]
    private static partial Regex UnitedStates();

    [GeneratedRegex(@"^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$")]
    private static partial Regex UnitedKingdom();

    [GeneratedRegex(@"^[A-Za-z]\d[\dWw] ?[A-Za-z\d]{4}$")]
    private static partial Regex Ireland();
}
