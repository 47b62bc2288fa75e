using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Products;

/// <summary>A bean's page; first visits share one rendering (<see cref="FirstVisitCacheAttribute"/>); a former slug redirects for good.</summary>
[FirstVisitCache]
public class DetailsModel(AppDbContext db) : PageModel
{
    public Product Product { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking()
            .SingleOrDefaultAsync(p => p.Slug == slug && p.IsActive, cancellationToken);
        if (product is null)
        {
            // An address the product had before its slug changed: sent on for good, so links and search engines follow.
            var current = await db.ProductFormerSlugs.AsNoTracking()
                .Where(f => f.Slug == slug)
                .Join(db.Products.Where(p => p.IsActive), f => f.ProductId, p => p.Id, (f, p) => p.Slug)
                .SingleOrDefaultAsync(cancellationToken);
            return current is null ? NotFound() : RedirectToPagePermanent("/Products/Details", new { slug = current });
        }

        Product = product;
        return Page();
    }
}
