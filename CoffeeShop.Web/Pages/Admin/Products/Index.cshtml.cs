using CoffeeShop.Web.Catalog;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>The catalog as admins run it: every product, active or not, with its stock; search and filters in the query string.</summary>
public class IndexModel(AppDbContext db, IOptions<CatalogOptions> catalog) : PageModel
{
    public const int MaxSearchLength = 100;

    /// <summary>Words in the name, slug, origin or tasting notes.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>"active", "inactive", or anything else for all.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Only products with <see cref="CatalogOptions.LowStockThreshold"/> bags available or fewer.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Low { get; set; }

    public IReadOnlyList<Product> Products { get; private set; } = [];

    public int LowStockThreshold => catalog.Value.LowStockThreshold;

    public bool IsFiltered => !string.IsNullOrEmpty(Q) || Status is "active" or "inactive" || Low;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Status = Status is "active" or "inactive" ? Status : null;
        Q = Q?.Trim() is { Length: > 0 } q ? q[..Math.Min(q.Length, MaxSearchLength)] : null;

        var query = db.Products.AsNoTracking();
        if (Q is not null)
        {
            var pattern = LikePatterns.Containing(Q);
            query = query.Where(p => EF.Functions.ILike(p.Name, pattern, "\\") || EF.Functions.ILike(p.Slug, pattern, "\\")
                || EF.Functions.ILike(p.Origin, pattern, "\\") || EF.Functions.ILike(p.TastingNotes, pattern, "\\"));
        }

        if (Status is not null)
        {
            query = query.Where(p => p.IsActive == (Status == "active"));
        }

        if (Low)
        {
            var threshold = LowStockThreshold;
            query = query.Where(p => p.Stock - p.Reserved <= threshold);
        }

        Products = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).ToListAsync(cancellationToken);
    }

    public bool IsLow(Product product) => product.Available <= LowStockThreshold;
}
