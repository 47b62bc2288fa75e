using CoffeeShop.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Retention;

/// <summary>
/// Forgets what the shop no longer needs, every <see cref="RetentionOptions.IntervalMinutes"/> on every
/// instance: webhook payloads past <see cref="RetentionOptions.WebhookPayloadDays"/> are cut down to the
/// event's id and type (the row stays: it is what makes a redelivered event a duplicate), and carts idle for
/// <see cref="RetentionOptions.IdleCartDays"/> that no order names are deleted with their lines.
/// Each batch runs in a short transaction holding an advisory lock, so while one instance works the
/// others stand back, and a large backlog never becomes one long transaction.
/// </summary>
public sealed class DataRetention(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<DataRetention> logger) : BackgroundService
{
    /// <summary>The key of <c>pg_try_advisory_xact_lock</c> held by the instance doing a batch ("retain" in ASCII).</summary>
    public const long LockKey = 0x72657461696e;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.IntervalMinutes), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Retention pass failed; the next pass tries again");
            }
        }
    }

    /// <summary>
    /// One pass: batches until nothing is left or another instance holds the lock. Answers what this
    /// instance did; <see cref="RetentionPass.StoodBack"/> when another instance was at work.
    /// </summary>
    public async Task<RetentionPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var payloadsBefore = now.AddDays(-o.WebhookPayloadDays);
        var cartsIdleSince = now.AddDays(-o.IdleCartDays);
        var pass = new RetentionPass(0, 0, StoodBack: false);
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").ToListAsync(cancellationToken);
            if (locked is not [true])
            {
                pass = pass with { StoodBack = true };
                break;
            }

            // Past Stripe's three days of redelivery, and read by nothing once processed (the admin timeline shows
            // the id, type and outcome). An event that never succeeded is emptied too: a redelivery brings the payload again.
            var purged = await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE stripe_events SET payload = jsonb_build_object('id', id, 'type', type)
                WHERE id IN (
                    SELECT id FROM stripe_events
                    WHERE received_at < {payloadsBefore} AND payload <> jsonb_build_object('id', id, 'type', type)
                    LIMIT {o.BatchSize}
                    FOR UPDATE SKIP LOCKED)
                """, cancellationToken);

            // Only carts no order names: an order keeps its cart's id and round (one order per round is a unique
            // index), and a cart deleted under it would start again at round 0 beside that order. The cart's lines
            // go with it (ON DELETE CASCADE). Idle longer than the cookie lives, no browser can bring the id back.
            var deleted = await db.Database.ExecuteSqlInterpolatedAsync($"""
                DELETE FROM carts
                WHERE id IN (
                    SELECT id FROM carts
                    WHERE updated_at < {cartsIdleSince}
                      AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.cart_id = carts.id)
                    LIMIT {o.BatchSize}
                    FOR UPDATE SKIP LOCKED)
                """, cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            pass = pass with { PayloadsPurged = pass.PayloadsPurged + purged, CartsDeleted = pass.CartsDeleted + deleted };
            if (purged < o.BatchSize && deleted < o.BatchSize)
            {
                break;
            }
        }

        if (pass.PayloadsPurged > 0 || pass.CartsDeleted > 0)
        {
            logger.LogInformation("Retention: {PayloadsPurged} webhook payloads older than {PayloadDays} days emptied, {CartsDeleted} carts idle for {CartDays} days deleted",
                pass.PayloadsPurged, o.WebhookPayloadDays, pass.CartsDeleted, o.IdleCartDays);
        }
        else if (pass.StoodBack)
        {
            logger.LogDebug("Retention: another instance is at work; this one stands back");
        }

        return pass;
    }
}
