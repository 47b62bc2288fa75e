using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages;

/// <summary>
/// The catalog, filtered by <see cref="CatalogFilter"/>. Cached copies differ only by the filter's keys, and
/// only a page the filter form could have asked for without a search is kept, so junk query strings and
/// endless searches cannot fill the cache.
/// </summary>
// No form with a token and nothing personal: it may go out compressed (the search box's text is all a visitor puts in it).
[Compressible]
[OutputCache(PolicyName = WebRegistration.AnonymousCatalog, VaryByQueryKeys = [CatalogFilter.SearchKey, CatalogFilter.RoastKey, CatalogFilter.OriginKey, CatalogFilter.SortKey])]
public class IndexModel(AppDbContext db) : PageModel
{
    public IReadOnlyList<Product> Products { get; private set; } = [];

    /// <summary>The origins of the active products, for the origin filter.</summary>
    public IReadOnlyList<string> Origins { get; private set; } = [];

    public CatalogFilter Filter { get; private set; } = CatalogFilter.None;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var active = db.Products.AsNoTracking().Where(p => p.IsActive);
        if (!Request.Query.ContainsKey(CatalogFilter.SearchKey) && !Request.Query.ContainsKey(CatalogFilter.RoastKey) && !Request.Query.ContainsKey(CatalogFilter.OriginKey))
        {
            // The first visit's catalog: one query, and the origins come from the products it read.
            Filter = CatalogFilter.Read(Request.Query, []);
            Products = await Filter.Order(active).ToListAsync(cancellationToken);
            Origins = [.. Products.Select(p => p.Origin).Distinct().Order(StringComparer.Ordinal)];
        }
        else
        {
            var origins = await active.Select(p => p.Origin).Distinct().ToListAsync(cancellationToken);
            Origins = [.. origins.Order(StringComparer.Ordinal)];
            Filter = CatalogFilter.Read(Request.Query, Origins);
            Products = await Filter.Apply(db.Products.AsNoTracking()).ToListAsync(cancellationToken);
        }

        if (!Filter.IsCacheable && HttpContext.Features.Get<IOutputCacheFeature>() is { } cache)
        {
            cache.Context.AllowCacheStorage = false;
        }
    }
}
