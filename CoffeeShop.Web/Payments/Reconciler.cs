using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// Finds payments whose outcome the shop never heard (no answer, a crash, a lost webhook), asks Stripe,
/// and settles them through <see cref="FinalizePayment"/>. Records are claimed with a lease taken under
/// <c>FOR UPDATE SKIP LOCKED</c>, so any number of instances can run it at once without sharing work.
/// </summary>
public sealed class Reconciler(
    IDbContextFactory<AppDbContext> contexts,
    IPaymentGateway gateway,
    FinalizePayment finalize,
    IOptions<ReconciliationOptions> options,
    TimeProvider clock,
    ShopMetrics metrics,
    ILogger<Reconciler> logger)
{
    /// <summary>
    /// Claims the records most overdue for a look and settles what Stripe knows of them; answers how many
    /// changed. Each look pushes a record's next one further out, so records that never change (a 3-D
    /// Secure step left open, a bank debit taking days) cannot crowd out one that got stuck just now.
    /// </summary>
    public async Task<int> ReconcileDueAsync(CancellationToken cancellationToken) =>
        (await ReconcileBatchAsync(cancellationToken)).Changed;

    /// <summary>
    /// Reconciles batch after batch for as long as each comes back full, within <paramref name="budget"/>:
    /// a backlog larger than one batch (a Stripe outage leaves one unsettled record per checkout it
    /// caught) drains at the pace of Stripe's answers, not one batch per interval. Each look pushes its
    /// record's next one out, so no record is claimed twice in one call.
    /// </summary>
    public async Task<int> ReconcileBacklogAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var changed = 0;
        while (true)
        {
            var batch = await ReconcileBatchAsync(cancellationToken);
            changed += batch.Changed;
            if (batch.Claimed < options.Value.BatchSize || clock.GetElapsedTime(started) >= budget)
            {
                return changed;
            }
        }
    }

    private async Task<(int Claimed, int Changed)> ReconcileBatchAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var minimumAge = TimeSpan.FromSeconds(o.MinimumAgeSeconds);
        var olderThan = now - minimumAge;
        var leaseUntil = now.AddSeconds(o.LeaseSeconds);
        string[] unsettled = PaymentStatusRules.Unsettled.Select(s => s.ToString()).ToArray();

        List<ClaimedRecord> claimed;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // Due: looked at before and its next look has come, or never looked at and still for the minimum age.
            claimed = await db.Database.SqlQuery<ClaimedRecord>($"""
                UPDATE payment_records SET reconcile_lease_until = {leaseUntil}
                WHERE id IN (
                    SELECT id FROM payment_records
                    WHERE status = ANY({unsettled})
                      AND (next_check_at <= {now} OR next_check_at IS NULL AND updated_at < {olderThan})
                      AND (reconcile_lease_until IS NULL OR reconcile_lease_until < {now})
                    ORDER BY COALESCE(next_check_at, updated_at + {minimumAge}), id
                    LIMIT {o.BatchSize}
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, reconcile_visits, order_id, attempt, created_at, status, payment_intent_id
                """).ToListAsync(cancellationToken);
        }

        // The claimed attempts that may need their creation window read share the reads (an outage leaves many).
        var abandoned = now - TimeSpan.FromMinutes(o.AbandonAfterMinutes);
        var windows = new CreationWindowReads(gateway, claimed
            .Where(c => c.PaymentIntentId is null && c.Status == nameof(PaymentStatus.Pending) && c.CreatedAt < abandoned)
            .Select(c => WindowOf(c.OrderId, c.Attempt, c.CreatedAt))
            .ToList());
        var changed = 0;
        foreach (var record in claimed)
        {
            try
            {
                if (await ReconcileOneAsync(record.Id, windows, cancellationToken) is { Changed: true })
                {
                    changed++;
                }
            }
            catch (PaymentProviderException ex)
            {
                // Stripe is unreachable: the next look comes after the back-off.
                logger.LogWarning(ex, "Reconciling payment {PaymentRecordId}: Stripe unavailable", record.Id);
            }

            await ScheduleNextLookAsync(record, cancellationToken);
        }

        await CountBacklogAsync(unsettled, cancellationToken);
        return (claimed.Count, changed);
    }

    private sealed record ClaimedRecord(long Id, int ReconcileVisits, long OrderId, int Attempt, DateTimeOffset CreatedAt, string Status, string? PaymentIntentId);

    /// <summary>
    /// What is still unsettled after the pass, for the backlog gauges: one aggregate per pass (answered from
    /// the status index), so a metrics scrape never queries the database.
    /// </summary>
    private async Task CountBacklogAsync(string[] unsettled, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var backlog = await db.Database.SqlQuery<Backlog>($"""
            SELECT count(*) AS unsettled, min(created_at) AS oldest_created_at
            FROM payment_records WHERE status = ANY({unsettled})
            """).SingleAsync(cancellationToken);
        metrics.ReconcilerBacklogCounted(backlog.Unsettled, backlog.OldestCreatedAt);
    }

    private sealed record Backlog(long Unsettled, DateTimeOffset? OldestCreatedAt);

    private async Task ScheduleNextLookAsync(ClaimedRecord record, CancellationToken cancellationToken)
    {
        var next = clock.GetUtcNow() + options.Value.BackoffAfter(record.ReconcileVisits + 1);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.PaymentRecords.Where(p => p.Id == record.Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.NextCheckAt, next)
            .SetProperty(p => p.ReconcileVisits, p => p.ReconcileVisits + 1)
            .SetProperty(p => p.ReconcileLeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>Asks Stripe about one record, whatever its status (the admin's "Re-sync from Stripe").</summary>
    public Task<FinalizeResult?> ReconcileOneAsync(long paymentRecordId, CancellationToken cancellationToken) =>
        ReconcileOneAsync(paymentRecordId, windows: null, cancellationToken);

    private async Task<FinalizeResult?> ReconcileOneAsync(long paymentRecordId, CreationWindowReads? windows, CancellationToken cancellationToken)
    {
        PaymentRecord? record;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            record = await db.PaymentRecords.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentRecordId, cancellationToken);
        }

        if (record is null)
        {
            return null;
        }

        var intent = record.PaymentIntentId is { } id
            ? await gateway.RetrieveAsync(id, cancellationToken)
            : await gateway.FindByAttemptAsync(record.OrderId, record.Attempt, cancellationToken);
        if (intent is null)
        {
            return await SettleWithoutPaymentIntentAsync(record, windows, cancellationToken);
        }

        if (intent.WaitsForCustomer && intent.Id is { } waiting
            && clock.GetUtcNow() - record.CreatedAt > TimeSpan.FromMinutes(options.Value.CancelUnfinishedAfterMinutes))
        {
            // Left open too long: canceled, so it can no longer succeed and its stock goes back. If it
            // succeeded meanwhile, the cancel answers that, and the payment is applied instead.
            intent = (await gateway.CancelAsync(waiting, $"cancel-{waiting}", cancellationToken)).Intent ?? intent;
        }

        return await SettleAsync(record, intent, cancellationToken);
    }

    /// <summary>
    /// Search found nothing, but Search lags behind. Once the attempt is old enough that any call to
    /// Stripe for it has ended, its whole creation window is read with the List API: a PaymentIntent found
    /// there is applied, a complete read without one proves Stripe never received it, and a read that
    /// could not be completed leaves the decision to an admin.
    /// </summary>
    private async Task<FinalizeResult?> SettleWithoutPaymentIntentAsync(PaymentRecord record, CreationWindowReads? windows, CancellationToken cancellationToken)
    {
        var abandonAfter = TimeSpan.FromMinutes(options.Value.AbandonAfterMinutes);
        if (record.PaymentIntentId is not null || record.Status != PaymentStatus.Pending || clock.GetUtcNow() - record.CreatedAt <= abandonAfter)
        {
            logger.LogInformation("Reconciling payment {PaymentRecordId}: Stripe has no PaymentIntent for it yet", record.Id);
            return null;
        }

        var attempt = WindowOf(record.OrderId, record.Attempt, record.CreatedAt);
        windows ??= new CreationWindowReads(gateway, [attempt]);
        var read = await windows.ReadAsync(attempt, cancellationToken);
        if (read.For(attempt.Key) is { } found)
        {
            return await SettleAsync(record, found, cancellationToken);
        }

        var result = read.ProvesAbsenceOf(attempt.Key)
            ? await finalize.FailNeverReachedAsync(record.Id, "reconciler", cancellationToken)
            : await finalize.MarkUnprovenAsync(record.Id, "Stripe's list of this attempt's creation window could not be read to the end: whether it charged is not proven", "reconciler", cancellationToken);
        Log(record, null, result);
        return result;
    }

    /// <summary>
    /// When the attempt's PaymentIntent can have been created: from the record's creation until every call
    /// to Stripe for it has ended (<see cref="ReconciliationOptions.AbandonAfterMinutes"/>), widened on both
    /// sides by <see cref="ClockSlack"/> because the shop's and Stripe's clocks differ.
    /// </summary>
    private AttemptWindow WindowOf(long orderId, int attempt, DateTimeOffset createdAt) => new(
        new PaymentAttemptKey(orderId, attempt),
        createdAt - ClockSlack,
        createdAt + TimeSpan.FromMinutes(options.Value.AbandonAfterMinutes) + ClockSlack);

    /// <summary>
    /// How far the shop's clock and Stripe's may differ. Servers kept by NTP differ by milliseconds; two
    /// minutes is generous and keeps a busy shop's window short (every PaymentIntent in it is read, and
    /// more than 10,000 leave the attempt to an admin). If a clock were off by more, money Stripe took
    /// would still arrive by its webhook and be applied (ADR 0010).
    /// </summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(2);

    private async Task<FinalizeResult> SettleAsync(PaymentRecord record, PaymentIntentSnapshot intent, CancellationToken cancellationToken)
    {
        var result = await finalize.ApplyAsync(record.Id, intent, "reconciler", cancellationToken);
        Log(record, intent.Id, result);
        return result;
    }

    private void Log(PaymentRecord record, string? paymentIntentId, FinalizeResult result)
    {
        if (result.Changed)
        {
            logger.LogInformation("Reconciler settled payment {PaymentRecordId} (order {OrderId}, {PaymentIntentId}): {From} -> {To}",
                record.Id, record.OrderId, paymentIntentId, record.Status, result.Status);
        }
    }
}
