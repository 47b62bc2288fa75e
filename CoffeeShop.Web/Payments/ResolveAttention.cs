using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// An admin works a NeedsAttention item: what they did to it goes into its timeline under their name, and
/// marking it resolved (with a note) takes it off the dashboard. The status stays NeedsAttention: what
/// happened to the money is history, and statuses only move forward.
/// </summary>
public sealed class ResolveAttention(IDbContextFactory<AppDbContext> contexts, TimeProvider clock)
{
    public const int MaxNoteLength = 500;

    /// <summary>Marks the item resolved, once; the record's row is locked so two admins cannot both resolve it.</summary>
    public async Task<ResolveOutcome> ResolveAsync(long paymentRecordId, AdminActor actor, string note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var admin = actor.Name;
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(note.Length, MaxNoteLength);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = (await db.PaymentRecords.FromSql($"SELECT * FROM payment_records WHERE id = {paymentRecordId} FOR UPDATE")
            .ToListAsync(cancellationToken)).SingleOrDefault();
        if (record is null)
        {
            return new ResolveOutcome(false, "This payment does not exist.");
        }

        if (record.Status != PaymentStatus.NeedsAttention)
        {
            return new ResolveOutcome(false, $"Only a payment that needs attention can be marked resolved; this one is {record.Status.Label().ToLowerInvariant()}.");
        }

        if (record.AttentionResolvedAt is not null)
        {
            return new ResolveOutcome(false, $"{record.AttentionResolvedBy} already marked this resolved; nothing was changed.");
        }

        var now = clock.GetUtcNow();
        record.AttentionResolvedAt = now;
        record.AttentionResolvedBy = Truncate(admin, 254);
        record.AttentionResolution = note;
        record.UpdatedAt = now;
        db.PaymentTimeline.Add(Entry(record.Id, now, admin, $"Resolved: {note}"));
        AuditTrail.Add(db, actor, AuditAction.Resolve, SubjectOf(record), new { resolved = false, record.AttentionReason },
            new { resolved = true, resolution = note }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ResolveOutcome(true, "Marked resolved.");
    }

    /// <summary>Writes an admin's action on the item (a refund asked for, a re-sync) into its timeline under their name.</summary>
    public async Task RecordActionAsync(long paymentRecordId, string admin, string action, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.PaymentTimeline.Add(Entry(paymentRecordId, clock.GetUtcNow(), admin, action));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>How the audit log names a payment: by its PaymentIntent when Stripe has one.</summary>
    public static string SubjectOf(PaymentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.PaymentIntentId is { } intent ? $"payment {intent}" : $"payment #{record.Id}";
    }

    private static PaymentTimelineEntry Entry(long paymentRecordId, DateTimeOffset at, string admin, string note) => new()
    {
        PaymentRecordId = paymentRecordId,
        At = at,
        Source = Truncate($"admin:{admin}", 64),
        Note = Truncate(note, 500),
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
