using System.Globalization;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Catalog;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Pages.Admin.Products;

/// <summary>One product: its fields, whether the shop shows it, its stock and the ledger of its movements.</summary>
public class EditModel(AppDbContext db, ProductEditing editing, StockLedger ledger, IOptions<ShopOptions> shop, IOptions<CatalogOptions> catalog) : ProductFormModel
{
    /// <summary>How many of the newest movements the page lists.</summary>
    public const int MovementsShown = 50;

    public Product Product { get; private set; } = null!;
    public IReadOnlyList<StockMovement> Movements { get; private set; } = [];
    public IReadOnlyList<string> FormerSlugs { get; private set; } = [];

    /// <summary>The product's revision when the page was rendered: a save over a newer edit is refused.</summary>
    [BindProperty]
    public int? Revision { get; set; }

    [BindProperty]
    public MoveInput Move { get; set; } = new();

    public override string Currency => shop.Value.Currency;

    public bool IsLow => Product.Available <= catalog.Value.LowStockThreshold;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = ToInput(Product);
        Revision = Product.Revision;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (!ProductRules.TryRead(Input, Currency, out var details, out var problems))
        {
            Show(problems);
            return Invalid();
        }

        if (Revision is null)
        {
            return OutOfDate();
        }

        var saved = await editing.UpdateAsync(id, Revision.Value, details, AdminActor.Of(User), cancellationToken);
        switch (saved.Outcome)
        {
            case ProductSaveOutcome.NotFound:
                return NotFound();
            case ProductSaveOutcome.Stale:
                return OutOfDate();
            case ProductSaveOutcome.SlugTaken:
                ModelState.AddModelError("Input.Slug", SlugTakenMessage);
                return Invalid();
            case ProductSaveOutcome.Unchanged:
                TempData["Message"] = "Nothing changed.";
                break;
            default:
                TempData["Message"] = $"{details.Name} is saved.";
                break;
        }

        return Back(id);
    }

    public Task<IActionResult> OnPostActivateAsync(int id, CancellationToken cancellationToken) => SetActiveAsync(id, true, cancellationToken);

    public Task<IActionResult> OnPostDeactivateAsync(int id, CancellationToken cancellationToken) => SetActiveAsync(id, false, cancellationToken);

    public async Task<IActionResult> OnPostMoveAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var reason = Move.Reason is { } r && Enum.TryParse<StockMovementReason>(r, out var parsed) && StockMovement.IsAdminReason(parsed) && !int.TryParse(r, out _)
            ? parsed : (StockMovementReason?)null;
        if (reason is null)
        {
            ModelState.AddModelError("Move.Reason", "Choose what happened: received, damaged or a count.");
        }

        var minimum = reason == StockMovementReason.Correction ? 0 : 1;
        int? bags = int.TryParse(Move.Bags?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum && n <= StockLedger.MaxBags ? n : null;
        if (bags is null)
        {
            ModelState.AddModelError("Move.Bags", $"Enter the number of bags, a whole number from {minimum} to {StockLedger.MaxBags}.");
        }

        var note = Move.Note?.Trim();
        if (note is { Length: 0 })
        {
            note = null;
        }

        if (note is not null && (note.Any(TypedText.IsRefused) || !TypedText.IsWellFormed(note)))
        {
            ModelState.AddModelError("Move.Note", "Remove the line breaks, tabs or invisible characters from the note.");
        }
        else if (note?.Length > StockMovement.NoteMaxLength)
        {
            ModelState.AddModelError("Move.Note", $"Shorten the note to at most {StockMovement.NoteMaxLength} characters.");
        }

        if (!ModelState.IsValid)
        {
            return InvalidMove();
        }

        var result = await ledger.RecordAsync(id, reason!.Value, bags!.Value, note, AdminActor.Of(User), cancellationToken);
        switch (result.Kind)
        {
            case StockResultKind.NotFound:
                return NotFound();
            case StockResultKind.Refused:
                ModelState.AddModelError("Move.Bags", result.Message!);
                await LoadAsync(id, cancellationToken);
                return InvalidMove();
            default:
                TempData["Message"] = $"Recorded: {result.OnHand} bags on hand.";
                return Back(id);
        }
    }

    private async Task<IActionResult> SetActiveAsync(int id, bool active, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (Revision is null)
        {
            return OutOfDate();
        }

        var saved = await editing.SetActiveAsync(id, Revision.Value, active, AdminActor.Of(User), cancellationToken);
        switch (saved.Outcome)
        {
            case ProductSaveOutcome.NotFound:
                return NotFound();
            case ProductSaveOutcome.Stale:
                return OutOfDate();
            default:
                TempData["Message"] = active ? $"{Product.Name} is shown in the shop." : $"{Product.Name} is hidden from the shop.";
                return Back(id);
        }
    }

    /// <summary>Another admin saved the product since this page was rendered: their version is shown, with what this admin typed lost on purpose.</summary>
    private SeeOtherResult OutOfDate()
    {
        TempData["Message"] = "Another admin changed this product after you opened it, so nothing was saved. Here is the product as it is now; make your change again.";
        return Back(Product.Id);
    }

    private SeeOtherResult Back(int id) => new(Url.Page("/Admin/Products/Edit", new { id })!);

    private PageResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>The page again with the movement's messages; the product form shows the product as stored.</summary>
    private PageResult InvalidMove()
    {
        Input = ToInput(Product);
        Revision = Product.Revision;
        return Invalid();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return false;
        }

        Product = product;
        Movements = await db.StockMovements.AsNoTracking().Where(m => m.ProductId == id)
            .OrderByDescending(m => m.Id).Take(MovementsShown).ToListAsync(cancellationToken);
        FormerSlugs = await db.ProductFormerSlugs.AsNoTracking().Where(s => s.ProductId == id)
            .OrderBy(s => s.Slug).Select(s => s.Slug).ToListAsync(cancellationToken);
        return true;
    }

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Label(StockMovementReason reason) => reason switch
    {
        StockMovementReason.Received => "Received",
        StockMovementReason.Damaged => "Damaged",
        StockMovementReason.Correction => "Count correction",
        StockMovementReason.Reservation => "Held by a payment",
        StockMovementReason.ReservationRelease => "Released by a payment",
        StockMovementReason.Sale => "Sold",
        _ => "Returned on refund",
    };

    private static ProductInput ToInput(Product p) => new()
    {
        Slug = p.Slug,
        Name = p.Name,
        Origin = p.Origin,
        Roast = p.Roast.ToString(),
        WeightGrams = p.WeightGrams.ToString(CultureInfo.InvariantCulture),
        TastingNotes = p.TastingNotes,
        Description = p.Description,
        Price = p.Price.ToMajorString(),
    };

    public sealed class MoveInput
    {
        /// <summary>Received, Damaged or Correction.</summary>
        public string? Reason { get; set; }

        /// <summary>Bags received or damaged, or the bags counted on hand for a correction.</summary>
        public string? Bags { get; set; }

        public string? Note { get; set; }
    }
}
