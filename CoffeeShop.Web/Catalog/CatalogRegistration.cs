namespace CoffeeShop.Web.Catalog;

public static class CatalogRegistration
{
    /// <summary>The admins' catalog: product editing and the stock ledger.</summary>
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ProductEditing>();
        services.AddScoped<StockLedger>();
        return services;
    }
}
