using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Catalog.Photos;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>
/// A product's photo: upload one (or a new one in its place) or remove it, so the drawn bag shows again.
/// The upload is checked and re-encoded by <see cref="PhotoProcessor"/>; the photo, the product's new
/// photo and the audit entry are saved together or not at all.
/// </summary>
// A body beyond the largest photo (5 MB) and the form around it is cut off before it is read: 413, not a 500.
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public class PhotoModel(AppDbContext db, IPhotoStore photos, PageCaches caches, TimeProvider clock) : PageModel
{
    /// <summary>The largest photo and room for the form's other fields and multipart framing.</summary>
    public const int MaxRequestBytes = PhotoProcessor.MaxBytes + 1024 * 1024;

    public Product Product { get; private set; } = null!;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostUploadAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var outcome = await ProcessAsync(Upload, cancellationToken);
        if (outcome.Photo is not { } photo)
        {
            ModelState.AddModelError(nameof(Upload), outcome.Problem!);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var actor = AdminActor.Of(User);
        var now = clock.GetUtcNow();
        await photos.AddAsync(photo, actor.Name, now, cancellationToken);
        return await ChangeAsync(photo.Hash, actor, now, "The photo is saved.", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (Product.PhotoHash is null)
        {
            TempData["Message"] = "This product has no photo to remove.";
            return new SeeOtherResult(Url.Page("/Admin/Products/Photo", new { id })!);
        }

        return await ChangeAsync(null, AdminActor.Of(User), clock.GetUtcNow(), "The photo is removed; the drawn bag shows instead.", cancellationToken);
    }

    private async Task<IActionResult> ChangeAsync(string? hash, AdminActor actor, DateTimeOffset now, string message, CancellationToken cancellationToken)
    {
        var before = Product.PhotoHash;
        Product.PhotoHash = hash;
        AuditTrail.Add(db, actor, AuditAction.PhotoChanged, $"product {Product.Slug}", new { photo = before }, new { photo = hash }, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The product changed (or went) since it was read: nothing of this change was written.
            TempData["Message"] = "The product changed meanwhile; nothing was saved. Try again.";
            return new SeeOtherResult(Url.Page("/Admin/Products/Photo", new { id = Product.Id })!);
        }

        await caches.ForgetCatalogAsync(cancellationToken);
        TempData["Message"] = message;
        return new SeeOtherResult(Url.Page("/Admin/Products/Photo", new { id = Product.Id })!);
    }

    private static async Task<PhotoOutcome> ProcessAsync(IFormFile? upload, CancellationToken cancellationToken)
    {
        if (upload is null)
        {
            return PhotoOutcome.Refused(PhotoProblems.Missing);
        }

        if (upload.Length > PhotoProcessor.MaxBytes)
        {
            return PhotoOutcome.Refused(PhotoProblems.TooLarge);
        }

        using var buffer = new MemoryStream((int)upload.Length);
        await using (var stream = upload.OpenReadStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken);
        }

        // Decoding is CPU work on bytes in memory: off the request's thread is no gain, so it runs here.
        return PhotoProcessor.Process(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return false;
        }

        Product = product;
        return true;
    }
}
