using CoffeeShop.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoffeeShop.Web.Shopping;

public static class ShoppingRegistration
{
    /// <summary>Shop settings, the starting catalog and the cookie-identified cart kept in PostgreSQL.</summary>
    public static IServiceCollection AddShopping(this IServiceCollection services)
    {
        services.AddOptions<ShopOptions>()
            .BindConfiguration(ShopOptions.Section)
            .ValidateDataAnnotations()
            .Validate(ShopOptions.HasStripeCurrency, "The setting Shop:Currency must be a currency Stripe supports, such as EUR, USD or JPY; the shop needs its minor unit to show and charge the same amount. Set it in appsettings.json or the environment variable Shop__Currency.")
            .Validate(ShopOptions.HasKnownZone, "The setting Shop:TimeZone must be an IANA time zone such as Europe/Berlin. Set it in appsettings.json or the environment variable Shop__TimeZone.")
            .Validate(ShopOptions.HasWholeBasisPointVat, "The setting Shop:VatRatePercent may have at most two decimals (5.5 or 7.25). Set it in appsettings.json or the environment variable Shop__VatRatePercent.")
            .ValidateOnStart();
        services.AddOptions<ShippingOptions>()
            .BindConfiguration(ShippingOptions.Section)
            .ValidateProblems<ShippingOptions, IOptions<ShopOptions>>((options, shop) => ShippingOptions.Problem(options, shop.Value.Currency) is { } problem ? [problem] : [])
            .ValidateOnStart();
        services.AddSingleton<PriceList>();
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<CartCookie>();
        services.AddScoped<CartSession>();
        services.AddScoped<CatalogSeed>();
        return services;
    }

    /// <summary>Development start-up, after the migrations: the starting catalog in the shop's currency.</summary>
    public static async Task SeedCatalogAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CatalogSeed>().SeedAsync(cancellationToken);
    }
}
