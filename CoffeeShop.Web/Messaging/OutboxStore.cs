using System.Globalization;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Messaging;

/// <summary>
/// The dispatcher's statements on the outbox: claim due messages under a lease (<c>FOR UPDATE SKIP
/// LOCKED</c>, so instances never wait for each other or take the same message), then mark each one sent,
/// due again after a back-off, or failed. Marks apply only while the claim's lease token is still on the row.
/// </summary>
public sealed class OutboxStore(IDbContextFactory<AppDbContext> contexts, IOptions<EmailOptions> options, TimeProvider clock)
{
    private EmailOptions.OutboxSettings Settings => options.Value.Outbox;

    /// <summary>Claims up to a batch of due messages; each claim counts as an attempt, so a crash mid-send is one too.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(Guid token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var leaseUntil = now.AddSeconds(Settings.LeaseSeconds);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.OutboxMessages.FromSql($"""
            UPDATE outbox_messages SET lease_until = {leaseUntil}, lease_token = {token}, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE status = {nameof(OutboxStatus.Pending)} AND next_attempt_at <= {now} AND (lease_until IS NULL OR lease_until < {now})
                ORDER BY next_attempt_at, id
                LIMIT {Settings.BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>Messages not sent yet and not given up on, due now or later (answered from the index of pending messages).</summary>
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.OutboxMessages.LongCountAsync(m => m.Status == OutboxStatus.Pending, cancellationToken);
    }

    /// <summary>
    /// The SMTP server took these messages: sent, their secret payloads dropped, a waiting admin alert's key
    /// freed for the next one; one statement for all of them. Only rows still under this claim's lease token
    /// are marked. Answers the ids that were.
    /// </summary>
    public async Task<IReadOnlyList<long>> MarkSentAsync(IReadOnlyCollection<OutboxMessage> messages, Guid token, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow();
        var ids = messages.Select(m => m.Id).ToArray();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.SqlQuery<long>($"""
            UPDATE outbox_messages
            SET status = {nameof(OutboxStatus.Sent)}, sent_at = {now}, payload = NULL, lease_until = NULL, lease_token = NULL, last_error = NULL,
                dedupe_key = CASE WHEN dedupe_key = {Outbox.WaitingAdminAlertKey} THEN dedupe_key || ':' || id ELSE dedupe_key END
            WHERE id = ANY({ids}) AND lease_token = {token} AND status = {nameof(OutboxStatus.Pending)}
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
    }

    /// <summary>Sending failed: due again after a doubling wait, or failed for good after the last attempt (or at once, <paramref name="giveUp"/>).</summary>
    public async Task MarkFailedAttemptAsync(OutboxMessage message, Guid token, string error, CancellationToken cancellationToken, bool giveUp = false)
    {
        var now = clock.GetUtcNow();
        var last = giveUp || message.Attempts >= Settings.MaxAttempts;
        var wait = TimeSpan.FromSeconds(Math.Min(
            Settings.FirstRetrySeconds * Math.Pow(2, Math.Max(0, message.Attempts - 1)),
            Settings.MaxRetryMinutes * 60.0));
        // A failed admin alert frees its key too, or no alert could wait after it.
        var key = last && message.DedupeKey == Outbox.WaitingAdminAlertKey ? $"{Outbox.WaitingAdminAlertKey}:{message.Id}" : message.DedupeKey;
        var trimmed = error.Length <= OutboxMessage.LastErrorMaxLength ? error : error[..OutboxMessage.LastErrorMaxLength];
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.OutboxMessages.Where(m => m.Id == message.Id && m.LeaseToken == token && m.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, last ? OutboxStatus.Failed : OutboxStatus.Pending)
                .SetProperty(m => m.NextAttemptAt, now + wait)
                .SetProperty(m => m.LastError, trimmed)
                .SetProperty(m => m.DedupeKey, key)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LeaseToken, (Guid?)null), cancellationToken);
    }

    /// <summary>Not sent and not an attempt: due again at <paramref name="dueAt"/> (an admin alert waiting for its interval).</summary>
    public async Task PostponeAsync(OutboxMessage message, Guid token, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.OutboxMessages.Where(m => m.Id == message.Id && m.LeaseToken == token && m.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.NextAttemptAt, dueAt)
                .SetProperty(m => m.Attempts, m => m.Attempts - 1)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LeaseToken, (Guid?)null), cancellationToken);
    }

    /// <summary>When the last admin alert went out, or null.</summary>
    public async Task<DateTimeOffset?> LastAdminAlertSentAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.OutboxMessages.Where(m => m.Kind == MessageKind.AdminAlert && m.Status == OutboxStatus.Sent)
            .MaxAsync(m => m.SentAt, cancellationToken);
    }

    /// <summary>
    /// An admin's "send again": a failed message is due now with a fresh set of attempts, and the audit log
    /// says who asked, in the same transaction. The row is locked first, so two admins pressing at once queue it once.
    /// </summary>
    public async Task<RetryOutcome> RetryAsync(long id, AdminActor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await db.OutboxMessages.FromSql($"SELECT * FROM outbox_messages WHERE id = {id} FOR UPDATE").ToListAsync(cancellationToken);
        if (rows is not [var message])
        {
            return RetryOutcome.Unknown;
        }

        if (message.Status != OutboxStatus.Failed)
        {
            return RetryOutcome.NotFailed;
        }

        // Not the last error: an SMTP server's answer often quotes the recipient's address.
        var before = new { status = message.Status.ToString(), attempts = message.Attempts };
        message.Status = OutboxStatus.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = now;
        AuditTrail.Add(db, actor, AuditAction.EmailResent, SubjectOf(message), before,
            new { status = message.Status.ToString(), attempts = message.Attempts }, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RetryOutcome.Queued;
    }

    /// <summary>
    /// How the audit log names a message: its id and kind, and the order it is about. Not the recipient: the
    /// log can never be edited, so a customer's address stays out of it (the order leads to it).
    /// </summary>
    public static string SubjectOf(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var order = message.OrderId is { } orderId ? $", order {Order.FormatReference(orderId)}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"email {message.Id} {message.Kind}{order}");
    }
}

/// <summary>What became of an admin's "send again".</summary>
public enum RetryOutcome
{
    /// <summary>The failed message is pending again and due now.</summary>
    Queued,

    /// <summary>No message has that id.</summary>
    Unknown,

    /// <summary>The message is pending or sent: nothing to send again.</summary>
    NotFailed,
}
