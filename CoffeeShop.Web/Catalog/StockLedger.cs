using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CoffeeShop.Web.Catalog;

/// <summary>
/// An admin's stock movements: bags received, bags written off as damaged, and corrections after a
/// count. Each is one row of the ledger, naming the admin, saved with its audit entry; the database
/// applies it to the product and refuses a figure below zero or below what running payments hold,
/// so no movement can make a bag that was sold reappear or one that is promised disappear.
/// </summary>
public sealed class StockLedger(AppDbContext db, PageCaches caches, TimeProvider clock)
{
    /// <summary>The most bags one movement may name: a typo guard.</summary>
    public const int MaxBags = 100_000;

    /// <summary>
    /// Records a movement. <paramref name="bags"/> is what came in (Received), what was lost (Damaged),
    /// or what the count found on hand (Correction: the movement is the difference).
    /// </summary>
    public async Task<StockResult> RecordAsync(int productId, StockMovementReason reason, int bags, string? note, AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!StockMovement.IsAdminReason(reason))
        {
            return StockResult.Refused("Choose received, damaged or correction.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Locked, so a count compares with the figure it replaces and no payment moves it meanwhile.
        var product = await db.Products
            .FromSql($"SELECT * FROM products WHERE id = {productId} FOR UPDATE")
            .AsNoTracking()
            .SingleOrDefaultAsync(cancellationToken);
        if (product is null)
        {
            return StockResult.NotFound;
        }

        var delta = reason switch
        {
            StockMovementReason.Received => bags,
            StockMovementReason.Damaged => -bags,
            _ => bags - product.Stock,
        };
        if (delta == 0)
        {
            return StockResult.Refused($"The count matches the {product.Stock} bags on hand already: nothing to correct.");
        }

        if (product.Stock + delta < product.Reserved)
        {
            return StockResult.Refused(product.Reserved == 0
                ? $"Only {product.Stock} bags are on hand: the stock cannot go below zero."
                : $"{product.Reserved} of the {product.Stock} bags on hand are held by payments in progress: on hand cannot go below {product.Reserved}.");
        }

        var now = clock.GetUtcNow();
        db.StockMovements.Add(new StockMovement
        {
            ProductId = productId,
            OnHandDelta = delta,
            Reason = reason,
            ActorId = actor.Id,
            Actor = actor.Name,
            Note = note,
            CreatedAt = now,
        });
        AuditTrail.Add(db, actor, AuditAction.StockMoved, ProductEditing.Subject(product.Slug),
            new { OnHand = product.Stock },
            new { OnHand = product.Stock + delta, Reason = reason.ToString(), Bags = delta, Note = note }, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.CheckViolation })
        {
            // The database's own guard (the check above saw the same locked row, so this is a last line).
            db.ChangeTracker.Clear();
            return StockResult.Refused("The stock cannot go below zero or below what payments in progress hold.");
        }

        await caches.ForgetCatalogAsync(cancellationToken);
        return StockResult.Recorded(product.Stock + delta);
    }
}

/// <summary>How recording a movement ended; <see cref="Message"/> says why it was refused.</summary>
public sealed record StockResult(StockResultKind Kind, string? Message = null, int OnHand = 0)
{
    public static StockResult NotFound { get; } = new(StockResultKind.NotFound);

    public static StockResult Refused(string message) => new(StockResultKind.Refused, message);

    public static StockResult Recorded(int onHand) => new(StockResultKind.Recorded, OnHand: onHand);
}

public enum StockResultKind
{
    Recorded,
    Refused,
    NotFound,
}
