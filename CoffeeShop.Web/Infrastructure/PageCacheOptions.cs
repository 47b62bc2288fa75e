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

    /// <summary>
    /// At most this many first-visit renderings (one per product page) are kept per instance; 0 turns the
    /// first-visit cache off. A page that finds it full is rendered for its visitor and not stored.
    /// </summary>
    [Range(0, 100000, ErrorMessage = "The setting PageCache:MaxFirstVisitPages must be from 0 (off) to 100000. Set it in appsettings.json or the environment variable PageCache__MaxFirstVisitPages.")]
    public int MaxFirstVisitPages { get; set; } = 1000;

    public TimeSpan Lifetime => TimeSpan.FromSeconds(LifetimeSeconds);
}
