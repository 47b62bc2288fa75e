using Microsoft.AspNetCore.OutputCaching;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Forgets the pages cached for visitors without cookies (the catalog's output cache and the product
/// pages' first-visit cache) on this instance, at once. Other instances keep their copies for at most
/// <see cref="PageCacheOptions.Lifetime"/>: nothing is shared between instances but the database.
/// </summary>
public sealed class PageCaches(IOutputCacheStore outputCache, FirstVisitPageCacheMiddleware firstVisits)
{
    public async Task ForgetCatalogAsync(CancellationToken cancellationToken)
    {
        firstVisits.Clear();
        await outputCache.EvictByTagAsync(WebRegistration.AnonymousCatalog, cancellationToken);
    }
}
