using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Shopping;

/// <summary>The <c>Shop</c> settings section.</summary>
public sealed class ShopOptions
{
    public const string Section = "Shop";

    [Required(ErrorMessage = "The setting Shop:Name is missing. Set it in appsettings.json or the environment variable Shop__Name.")]
    public string Name { get; set; } = "CoffeeShop";

    [Required(ErrorMessage = "The setting Shop:Currency is missing. Set it in appsettings.json or the environment variable Shop__Currency.")]
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "The setting Shop:Currency must be an upper-case ISO 4217 code such as EUR. Set it in appsettings.json or the environment variable Shop__Currency.")]
    public string Currency { get; set; } = "EUR";

    /// <summary>IANA time zone the shop's admins read times in (the database keeps UTC).</summary>
    [Required(ErrorMessage = "The setting Shop:TimeZone is missing. Set it in appsettings.json or the environment variable Shop__TimeZone.")]
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>The VAT rate included in prices and shipping, in percent with at most two decimals (7, 19, 5.5).</summary>
    [Range(typeof(decimal), "0", "99.99", ErrorMessage = "The setting Shop:VatRatePercent must be a percentage from 0 to 99.99, such as 7. Set it in appsettings.json or the environment variable Shop__VatRatePercent.")]
    public decimal VatRatePercent { get; set; } = 7m;

    /// <summary>The VAT rate in basis points (7 % is 700), as orders keep it.</summary>
    public int VatRateBasisPoints => (int)(VatRatePercent * 100m);

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Whether Stripe takes the currency, so its minor unit (exponent) is known; see <see cref="Domain.Currencies"/>.</summary>
    internal static bool HasStripeCurrency(ShopOptions options) => Domain.Currencies.IsSupported(options.Currency);

    internal static bool HasWholeBasisPointVat(ShopOptions options) => decimal.Truncate(options.VatRatePercent * 100m) == options.VatRatePercent * 100m;

    internal static bool HasKnownZone(ShopOptions options) => TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _);
}
