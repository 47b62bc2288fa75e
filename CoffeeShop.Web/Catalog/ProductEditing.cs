using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CoffeeShop.Web.Catalog;

/// <summary>
/// Creates and edits products for the admins. Each change is saved with its audit entry in one
/// transaction, refused when another admin saved the product since the form was rendered
/// (<see cref="Product.Revision"/>) or when the slug is another product's (the database decides, so
/// two admins racing for one slug cannot both win), and then the shared page caches of this instance
/// are forgotten. A price change touches only the product: orders keep the prices they were paid at,
/// and an open checkout form's cart fingerprint no longer matches, so it asks the customer to look again.
/// </summary>
public sealed class ProductEditing(AppDbContext db, PageCaches caches, TimeProvider clock)
{
    /// <summary>Creates a product, hidden from the shop and with no bags until an admin activates it and counts stock in.</summary>
    public async Task<ProductSave> CreateAsync(ProductDetails details, AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        var product = new Product { Slug = "", Name = "", Origin = "", TastingNotes = "", Description = "", Currency = details.Price.Currency, IsActive = false };
        details.ApplyTo(product);
        db.Products.Add(product);
        AuditTrail.Add(db, actor, AuditAction.ProductCreated, Subject(details.Slug), null, details.ForAudit(), clock.GetUtcNow());
        var outcome = await SaveAsync(cancellationToken);
        return new(outcome, outcome == ProductSaveOutcome.Saved ? product.Id : 0);
    }

    /// <summary>Writes <paramref name="details"/> over the product, if it is still at <paramref name="revision"/>.</summary>
    public async Task<ProductSave> UpdateAsync(int id, int revision, ProductDetails details, AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return new(ProductSaveOutcome.NotFound);
        }

        if (product.Revision != revision)
        {
            return new(ProductSaveOutcome.Stale, id);
        }

        var before = ProductDetails.Of(product);
        if (before == details)
        {
            return new(ProductSaveOutcome.Unchanged, id);
        }

        details.ApplyTo(product);
        product.Revision = revision + 1;
        AuditTrail.AddChanges(db, actor, AuditAction.ProductChanged, Subject(details.Slug), before.ForAudit(), details.ForAudit(), clock.GetUtcNow());
        return new(await SaveAsync(cancellationToken), id);
    }

    /// <summary>Shows the product in the shop or hides it, if it is still at <paramref name="revision"/>.</summary>
    public async Task<ProductSave> SetActiveAsync(int id, int revision, bool active, AdminActor actor, CancellationToken cancellationToken)
    {
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return new(ProductSaveOutcome.NotFound);
        }

        if (product.Revision != revision)
        {
            return new(ProductSaveOutcome.Stale, id);
        }

        if (product.IsActive == active)
        {
            return new(ProductSaveOutcome.Unchanged, id);
        }

        product.IsActive = active;
        product.Revision = revision + 1;
        AuditTrail.Add(db, actor, active ? AuditAction.ProductActivated : AuditAction.ProductDeactivated, Subject(product.Slug),
            new { Active = !active }, new { Active = active }, clock.GetUtcNow());
        return new(await SaveAsync(cancellationToken), id);
    }

    /// <summary>How the audit log names a product.</summary>
    public static string Subject(string slug) => $"product {slug}";

    private async Task<ProductSaveOutcome> SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return ProductSaveOutcome.Stale;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return ProductSaveOutcome.SlugTaken;
        }

        await caches.ForgetCatalogAsync(cancellationToken);
        return ProductSaveOutcome.Saved;
    }
}
