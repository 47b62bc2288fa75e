using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Catalog;

/// <summary>The <c>Catalog</c> settings section.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>A product with this many bags available or fewer shows as low on stock to admins.</summary>
    [Range(0, 10_000, ErrorMessage = "The setting Catalog:LowStockThreshold must be from 0 to 10000. Set it in appsettings.json or the environment variable Catalog__LowStockThreshold.")]
    public int LowStockThreshold { get; set; } = 5;
}
