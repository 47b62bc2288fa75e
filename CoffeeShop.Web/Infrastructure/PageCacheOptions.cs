using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// The <c>PageCache</c> settings section: how long the pages shared between visitors without cookies
/// (the catalog and the product pages) are kept. An instance that changes a product forgets its copies
/// at once; every other instance shows the change within this lifetime at the latest.
/// </summary>
public sealed class PageCacheOptions
{
    public const string Section = "PageCache";

    [Range(1, 3600, ErrorMessage = "The setting PageCache:LifetimeSeconds must be from 1 to 3600. Set it in appsettings.json or the environment variable PageCache__LifetimeSeconds.")]
    public int LifetimeSeconds { get; set; } = 30;

    public TimeSpan Lifetime => TimeSpan.FromSeconds(LifetimeSeconds);
}
