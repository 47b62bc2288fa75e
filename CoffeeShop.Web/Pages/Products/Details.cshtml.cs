using CoffeeShop.Web.Catalog.Photos;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Discovery;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Products;

/// <summary>
/// A bean's page; first visits share one rendering (<see cref="FirstVisitCacheAttribute"/>); a former slug redirects
/// for good. Going back to it restores it from the browser's back/forward cache (<see cref="RestorableFromHistoryAttribute"/>):
/// it shows a product, nothing of the customer's.
/// </summary>
[FirstVisitCache]
[RestorableFromHistory]
public class DetailsModel(AppDbContext db, PublicAddress address) : PageModel
{
    public Product Product { get; private set; } = null!;

    /// <summary>The page's one address, for search engines and shared links.</summary>
    public string CanonicalPath => $"/Products/{Product.Slug}";

    /// <summary>The photo link previews show: its smallest JPEG, made for every photo (null with the drawn bag).</summary>
    public string? ImagePath => Product.PhotoHash is { } hash ? $"/photos/{hash}/{PhotoProcessor.Widths[0]}.jpg" : null;

    /// <summary>schema.org Product and Offer as JSON-LD (<see cref="ProductDescription.StructuredData"/>).</summary>
    public string StructuredData => ProductDescription.StructuredData(Product, address.Of(CanonicalPath), ImagePath is { } image ? address.Of(image) : null);

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
