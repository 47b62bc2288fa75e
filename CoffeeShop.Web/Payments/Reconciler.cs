using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Payments;

/// <summary>The <c>Reconciliation</c> settings section.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    public bool Enabled { get; set; } = true;

    [Range(1, 86400, ErrorMessage = "Reconciliation:IntervalSeconds must be between 1 and 86400.")]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>How long a record may stay Pending, Processing or RequiresAction before the reconciler asks Stripe.</summary>
    [Range(0, 86400, ErrorMessage = "Reconciliation:MinimumAgeSeconds must be between 0 and 86400.")]
    public int MinimumAgeSeconds { get; set; } = 300;

    /// <summary>How long a claimed record is left to the instance that claimed it.</summary>
    [Range(1, 3600, ErrorMessage = "Reconciliation:LeaseSeconds must be between 1 and 3600.")]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>A Pending attempt with no PaymentIntent at Stripe after this long never reached Stripe: it is marked Failed.</summary>
    [Range(1, 10080, ErrorMessage = "Reconciliation:AbandonAfterMinutes must be between 1 and 10080.")]
    public int AbandonAfterMinutes { get; set; } = 60;

    [Range(1, 1000, ErrorMessage = "Reconciliation:BatchSize must be between 1 and 1000.")]
    public int BatchSize { get; set; } = 50;
}

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
    ILogger<Reconciler> logger)
{
    /// <summary>Claims a batch of stuck records and settles what Stripe knows of them; answers how many changed.</summary>
    public async Task<int> ReconcileDueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var olderThan = now.AddSeconds(-o.MinimumAgeSeconds);
        var leaseUntil = now.AddSeconds(o.LeaseSeconds);
        string[] unsettled = PaymentStatusRules.Unsettled.Select(s => s.ToString()).ToArray();

        List<long> claimed;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            claimed = await db.Database.SqlQuery<long>($"""
                UPDATE payment_records SET reconcile_lease_until = {leaseUntil}
                WHERE id IN (
                    SELECT id FROM payment_records
                    WHERE status = ANY({unsettled}) AND updated_at < {olderThan}
                      AND (reconcile_lease_until IS NULL OR reconcile_lease_until < {now})
                    ORDER BY updated_at
                    LIMIT {o.BatchSize}
                    FOR UPDATE SKIP LOCKED)
                RETURNING id AS "Value"
                """).ToListAsync(cancellationToken);
        }

        var changed = 0;
        foreach (var id in claimed)
        {
            try
            {
                if (await ReconcileOneAsync(id, cancellationToken) is { Changed: true })
                {
                    changed++;
                }
            }
            catch (PaymentProviderException ex)
            {
                // Stripe is unreachable: the lease runs out and a later pass tries again.
                logger.LogWarning(ex, "Reconciling payment {PaymentRecordId}: Stripe unavailable", id);
            }
        }

        return changed;
    }

    /// <summary>Asks Stripe about one record, whatever its status (the admin's "Re-sync from Stripe").</summary>
    public async Task<FinalizeResult?> ReconcileOneAsync(long paymentRecordId, CancellationToken cancellationToken)
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
            var abandoned = record.PaymentIntentId is null && record.Status == PaymentStatus.Pending
                && clock.GetUtcNow() - record.CreatedAt > TimeSpan.FromMinutes(options.Value.AbandonAfterMinutes);
            if (!abandoned)
            {
                logger.LogInformation("Reconciling payment {PaymentRecordId}: Stripe has no PaymentIntent for it yet", record.Id);
                return null;
            }

            intent = PaymentIntentSnapshot.Rejected(record.Amount, record.OrderId, "no_payment_intent", "Stripe never received this payment attempt.");
        }

        var result = await finalize.ApplyAsync(record.Id, intent, "reconciler", cancellationToken);
        if (result.Changed)
        {
            logger.LogInformation("Reconciler settled payment {PaymentRecordId} (order {OrderId}, {PaymentIntentId}): {From} -> {To}",
                record.Id, record.OrderId, intent.Id, record.Status, result.Status);
        }

        return result;
    }
}

/// <summary>Runs the reconciler every <see cref="ReconciliationOptions.IntervalSeconds"/> on every instance.</summary>
public sealed class ReconciliationService(IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<ReconciliationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reconciliation pass failed; the next pass tries again");
            }
        }
    }
}
