using System.Globalization;
using System.Text.Json;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Messaging;

/// <summary>
/// Queues messages in the caller's unit of work: the caller's SaveChanges writes the outbox row in the
/// same transaction as the change that causes it, so a rolled-back change queues nothing and a
/// committed one cannot lose its message. Each cause has one dedupe key, unique in the database.
/// </summary>
public static class Outbox
{
    /// <summary>The key of the one admin alert that may wait at a time; alerts raised meanwhile join it.</summary>
    public const string WaitingAdminAlertKey = "admin-alert";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage OrderConfirmation(AppDbContext db, Order order, DateTimeOffset now) =>
        Add(db, MessageKind.OrderConfirmation, order.Email, Key("order-confirmation", order.Id), now, orderId: order.Id);

    /// <summary>Once per payment attempt, however often its PaymentIntent goes back to processing (it may be confirmed again after it failed).</summary>
    public static Task PaymentProcessingOnceAsync(AppDbContext db, Order order, long paymentRecordId, DateTimeOffset now, CancellationToken cancellationToken) =>
        AddOnceAsync(db, MessageKind.PaymentProcessing, order, Key("payment-processing", paymentRecordId), now, cancellationToken);

    /// <summary>Once per payment attempt, however often its PaymentIntent fails.</summary>
    public static Task PaymentFailedOnceAsync(AppDbContext db, Order order, long paymentRecordId, DateTimeOffset now, CancellationToken cancellationToken) =>
        AddOnceAsync(db, MessageKind.PaymentFailed, order, Key("payment-failed", paymentRecordId), now, cancellationToken);

    /// <summary>The parcel left: one statement in the caller's transaction, the address read from the order.</summary>
    public static Task<int> OrderShippedAsync(AppDbContext db, long orderId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO outbox_messages (kind, recipient, order_id, dedupe_key, status, attempts, next_attempt_at, created_at)
            SELECT {nameof(MessageKind.OrderShipped)}, email, id, {Key("order-shipped", orderId)}, {nameof(OutboxStatus.Pending)}, 0, {now}, {now}
            FROM orders WHERE id = {orderId}
            ON CONFLICT (dedupe_key) DO NOTHING
            """, cancellationToken);

    public static OutboxMessage RefundIssued(AppDbContext db, Order order, Guid refundId, DateTimeOffset now) =>
        Add(db, MessageKind.RefundIssued, order.Email, $"refund-issued:{refundId:N}", now, orderId: order.Id, refundId: refundId);

    /// <summary>An enrolment link for an invited colleague, valid until <paramref name="expiresAt"/>; the link leaves the database once sent.</summary>
    public static OutboxMessage AdminInvitation(AppDbContext db, Guid invitationId, string email, string enrolmentUrl, DateTimeOffset expiresAt, DateTimeOffset now) =>
        Add(db, MessageKind.AdminInvitation, email, $"admin-invitation:{invitationId:N}", now,
            payload: new LinkPayload(enrolmentUrl, (int)Math.Ceiling((expiresAt - now).TotalHours)));

    /// <summary>A password-reset link; every request is its own message.</summary>
    public static OutboxMessage PasswordReset(AppDbContext db, string email, string resetUrl, DateTimeOffset now) =>
        Add(db, MessageKind.PasswordReset, email, $"password-reset:{Guid.NewGuid():N}", now, payload: new LinkPayload(resetUrl));

    /// <summary>
    /// Tells the admins that something needs them. Joins the alert already waiting, if any (the unique
    /// key): the dispatcher sends one alert per interval, listing what needs attention when it is sent.
    /// One statement in the caller's transaction.
    /// </summary>
    public static Task<int> AlertAdminsAsync(AppDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO outbox_messages (kind, recipient, dedupe_key, status, attempts, next_attempt_at, created_at)
            VALUES ({nameof(MessageKind.AdminAlert)}, '', {WaitingAdminAlertKey}, {nameof(OutboxStatus.Pending)}, 0, {now}, {now})
            ON CONFLICT (dedupe_key) DO NOTHING
            """, cancellationToken);

    public static T? ReadPayload<T>(OutboxMessage message) where T : class =>
        message.Payload is null ? null : JsonSerializer.Deserialize<T>(message.Payload, Json);

    private static OutboxMessage Add(AppDbContext db, MessageKind kind, string recipient, string dedupeKey, DateTimeOffset now,
        long? orderId = null, Guid? refundId = null, object? payload = null)
    {
        var message = new OutboxMessage
        {
            Kind = kind,
            Recipient = recipient,
            DedupeKey = dedupeKey,
            OrderId = orderId,
            RefundId = refundId,
            Payload = payload is null ? null : JsonSerializer.Serialize(payload, Json),
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.OutboxMessages.Add(message);
        return message;
    }

    /// <summary>
    /// Queues the message unless its key was queued before. The caller holds the payment record's row lock,
    /// so no other transaction can queue the same key between the look and the insert.
    /// </summary>
    private static async Task AddOnceAsync(AppDbContext db, MessageKind kind, Order order, string dedupeKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await db.OutboxMessages.AnyAsync(m => m.DedupeKey == dedupeKey, cancellationToken))
        {
            Add(db, kind, order.Email, dedupeKey, now, orderId: order.Id);
        }
    }

    private static string Key(string cause, long id) => string.Create(CultureInfo.InvariantCulture, $"{cause}:{id}");
}

/// <summary>
/// The payload of a message whose one link is a secret (enrolment, password reset), and how many hours the
/// link works when the message knows it (an invitation); a reset link works for Identity's token lifespan.
/// </summary>
public sealed record LinkPayload(string Url, int? ValidHours = null);
