using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Catalog;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>
/// Creates and updates products from a CSV file (<see cref="CatalogCsv"/>), all or nothing: one rejected
/// row and nothing is written, and the page lists every rejected row with its line and what to fix.
/// </summary>
[RequestSizeLimit(RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestLimit)]
public class ImportModel(AppDbContext db, PageCaches caches, TimeProvider clock, IOptions<ShopOptions> shop) : PageModel
{
    /// <summary>
    /// What the server reads at all. Files between <see cref="CatalogCsv.MaxBytes"/> and this get a message on the
    /// page (a 100,000-row export is about 6 MB); larger requests are refused before the page sees them.
    /// </summary>
    private const int RequestLimit = 5 * CatalogCsv.MaxBytes;

    public IReadOnlyList<CatalogImportProblem> Problems { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length > CatalogCsv.MaxBytes)
        {
            return Refuse(file is null && ModelState.IsValid
                ? new(null, null, ["Choose a CSV file to import."])
                : new(null, null, [$"The file is larger than {CatalogCsv.MaxBytes / (1024 * 1024)} MB. Split it into smaller files."]));
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        var read = CatalogCsv.Read(bytes, shop.Value.Currency);
        if (!read.CanImport)
        {
            Problems = read.Problems;
            return Refused();
        }

        var outcome = await CatalogImport.ApplyAsync(db, read.Rows, AdminActor.Of(User), clock.GetUtcNow(), cancellationToken);
        if (outcome.Problems.Count > 0)
        {
            Problems = outcome.Problems;
            return Refused();
        }

        await caches.ForgetCatalogAsync(cancellationToken);
        TempData["Message"] = $"Imported: {CatalogImport.Describe(outcome)}.";
        return new SeeOtherResult(Url.Page("/Admin/Products/Import")!);
    }

    private PageResult Refuse(CatalogImportProblem problem)
    {
        Problems = [problem];
        return Refused();
    }

    private PageResult Refused()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
