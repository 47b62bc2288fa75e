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

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Whether Stripe takes the currency, so its minor unit (exponent) is known; see <see cref="Domain.Currencies"/>.</summary>
    internal static bool HasStripeCurrency(ShopOptions options) => Domain.Currencies.IsSupported(options.Currency);

    internal static bool HasKnownZone(ShopOptions options) => TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _);
}
