using CoffeeShop.Web.Catalog;
using CoffeeShop.Web.Data;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>Every product, active or not, as the CSV the import reads back (<see cref="CatalogCsv"/>).</summary>
public class ExportModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"products-{clock.GetUtcNow():yyyyMMdd}.csv\"";
        var products = db.Products.AsNoTracking().OrderBy(p => p.Slug).AsAsyncEnumerable();
        await CatalogCsv.WriteAsync(Response.Body, products, cancellationToken);
        return new EmptyResult();
    }
}
