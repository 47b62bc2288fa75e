using System.Globalization;
using System.Text.Json;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;

namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>
/// Receives Stripe's webhook events: verifies the signature, stores the event once (its id is the
/// key), claims it so that a concurrent redelivery stands back, and settles the payment it concerns
/// through <see cref="FinalizePayment"/>. A failure leaves the event unclaimed and answers 500, so
/// Stripe delivers it again; the reconciler covers anything never delivered.
/// </summary>
public sealed class StripeWebhookReceiver(
    IDbContextFactory<AppDbContext> contexts,
    IPaymentGateway gateway,
    FinalizePayment finalize,
    IOptions<StripeOptions> options,
    TimeProvider clock,
    [FromKeyedServices(StripeWebhookReceiver.Refusals)] LogSampler refusals,
    ShopMetrics metrics,
    ILogger<StripeWebhookReceiver> logger)
{
    /// <summary>The key of the <see cref="LogSampler"/> for refused deliveries: anyone can post unsigned ones, as many as they like.</summary>
    public const string Refusals = "stripe-webhook-refusals";

    /// <summary>At most one line per this interval about refused deliveries.</summary>
    public static readonly TimeSpan RefusalLogInterval = TimeSpan.FromMinutes(1);

    private const long ToleranceSeconds = 300;
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Receives one delivery; each is counted in <c>coffeeshop.webhooks</c> by its event type and outcome.</summary>
    public async Task<WebhookAnswer> ReceiveAsync(string json, string? signature, CancellationToken cancellationToken)
    {
        Received received;
        try
        {
            received = await ReceiveOnceAsync(json, signature, cancellationToken);
        }
        catch (Exception)
        {
            metrics.WebhookReceived(UnverifiedType, "error");
            throw;
        }

        metrics.WebhookReceived(received.Type, received.Answer switch
        {
            WebhookAnswer.Processed => received.Ignored ? "ignored" : "processed",
            WebhookAnswer.Duplicate => "duplicate",
            WebhookAnswer.BadSignature => "bad_signature",
            WebhookAnswer.NotConfigured => "not_configured",
            _ => "error",
        });
        return received.Answer;
    }

    /// <summary>The type tag of a delivery whose signature did not hold: what it claims to be is anyone's words.</summary>
    private const string UnverifiedType = "unknown";

    private const string IgnoredOutcome = "ignored";

    private sealed record Received(WebhookAnswer Answer, string Type = UnverifiedType, bool Ignored = false);

    private async Task<Received> ReceiveOnceAsync(string json, string? signature, CancellationToken cancellationToken)
    {
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrWhiteSpace(secret))
        {
            if (refusals.ShouldLog(out var unlogged))
            {
                logger.LogError("Stripe webhook refused: Stripe:WebhookSecret is not configured, so no event can be verified ({Unlogged} refusals since the last line not logged)", unlogged);
            }

            return new(WebhookAnswer.NotConfigured);
        }

        Event stripeEvent;
        try
        {
            // Verify first; the object inside is trusted only when its API version is Stripe.net's own.
            EventUtility.ValidateSignature(json, signature ?? "", secret, ToleranceSeconds);
            stripeEvent = EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is StripeException or JsonException or ArgumentException or FormatException
            or InvalidOperationException or Newtonsoft.Json.JsonException)
        {
            LogRejected(ex.Message);
            return new(WebhookAnswer.BadSignature);
        }

        if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
        {
            LogRejected("a signed payload that is not an event");
            return new(WebhookAnswer.BadSignature);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO stripe_events (id, type, received_at, payload) VALUES ({stripeEvent.Id}, {stripeEvent.Type}, {now}, {json}::jsonb) ON CONFLICT (id) DO NOTHING",
            cancellationToken);
        var claimed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE stripe_events SET claimed_at = {now} WHERE id = {stripeEvent.Id} AND processed_at IS NULL AND (claimed_at IS NULL OR claimed_at < {now - ClaimTimeout})",
            cancellationToken);
        if (claimed == 0)
        {
            return new(WebhookAnswer.Duplicate, stripeEvent.Type);
        }

        try
        {
            var (recordId, outcome) = await HandleAsync(stripeEvent, json, cancellationToken);
            await db.StripeEvents.Where(e => e.Id == stripeEvent.Id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.ProcessedAt, clock.GetUtcNow())
                .SetProperty(e => e.Outcome, outcome)
                .SetProperty(e => e.PaymentRecordId, recordId), cancellationToken);
            logger.LogInformation("Stripe event {EventId} {EventType}: {Outcome}", stripeEvent.Id, stripeEvent.Type, outcome);
            return new(WebhookAnswer.Processed, stripeEvent.Type, Ignored: outcome == IgnoredOutcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Stripe event {EventId} {EventType} failed; Stripe will deliver it again", stripeEvent.Id, stripeEvent.Type);
            await ReleaseClaimAsync(stripeEvent.Id);
            return new(WebhookAnswer.Failed, stripeEvent.Type);
        }
    }

    /// <summary>
    /// Gives the claim back, so that Stripe's next delivery processes the event. The failure is often the
    /// database going away (a restart), and then the first try to give it back fails too: a claim left in
    /// place makes each delivery within <see cref="ClaimTimeout"/> a duplicate, answered 200, after which
    /// Stripe stops delivering and the event is lost (bench/soak lost a Dashboard refund so). Each try takes
    /// a fresh connection; after about 7 s the error goes up (500) and the claim runs out by itself.
    /// </summary>
    private async Task ReleaseClaimAsync(string eventId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
                await db.StripeEvents.Where(e => e.Id == eventId)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClaimedAt, (DateTimeOffset?)null), CancellationToken.None);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < ReleaseAttempts)
            {
                logger.LogWarning("Giving back the claim on Stripe event {EventId} failed (attempt {Attempt}): {Error}", eventId, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), CancellationToken.None);
            }
        }
    }

    /// <summary>Tries at giving a failed event's claim back: waits of 0.25 s growing by 0.25 s, about 7 s in all.</summary>
    private const int ReleaseAttempts = 8;

    private async Task<(long? RecordId, string Outcome)> HandleAsync(Event stripeEvent, string json, CancellationToken cancellationToken)
    {
        var trusted = stripeEvent.ApiVersion == StripeConfiguration.ApiVersion;
        var source = $"webhook {stripeEvent.Id}";
        var type = stripeEvent.Type;
        if (type.StartsWith("payment_intent.", StringComparison.Ordinal))
        {
            var intent = trusted && stripeEvent.Data.Object is PaymentIntent pi
                ? StripeMapping.ToSnapshot(pi)
                : await gateway.RetrieveAsync(RawObject(json, "id")!, cancellationToken);
            if (trusted && intent is { Id: { } underWay, Status: PaymentStatus.Processing or PaymentStatus.RequiresAction })
            {
                // News of a payment still under way can be older than news already applied (a debit's
                // failure delivered before its "processing"), and a failed PaymentIntent may really be
                // confirmed again: only Stripe's present word tells which. Such events are few.
                intent = await gateway.RetrieveAsync(underWay, cancellationToken);
            }

            if (intent is null)
            {
                return (null, "PaymentIntent not found at Stripe");
            }

            var recordId = await FindRecordAsync(intent.Id, intent.OrderIdMetadata, intent.AttemptMetadata, cancellationToken);
            return recordId is null
                ? (null, $"no payment record for {intent.Id} (order {intent.OrderIdMetadata ?? "unknown"})")
                : (recordId, (await finalize.ApplyAsync(recordId.Value, intent, source, cancellationToken)).Status.ToString());
        }

        var paymentIntentId = RawObject(json, "payment_intent");
        if (type is "charge.refunded" or "refund.created" or "refund.updated" or "charge.dispute.created" or "charge.dispute.closed")
        {
            var recordId = await FindRecordAsync(paymentIntentId, null, null, cancellationToken);
            if (recordId is null)
            {
                return (null, $"no payment record for {paymentIntentId ?? "(no PaymentIntent)"}");
            }

            FinalizeResult result;
            if (type.StartsWith("charge.dispute.", StringComparison.Ordinal))
            {
                result = await finalize.ApplyDisputeAsync(recordId.Value, RawObject(json, "id")!, RawObject(json, "status") ?? "unknown",
                    closed: type == "charge.dispute.closed", source, cancellationToken);
            }
            else if (trusted && stripeEvent.Data.Object is Charge charge)
            {
                result = await finalize.ApplyRefundsAsync(recordId.Value, charge.Refunds?.Data.Select(StripeMapping.ToSnapshot).ToList() ?? [], charge.AmountRefunded, source, cancellationToken);
            }
            else if (trusted && stripeEvent.Data.Object is global::Stripe.Refund refund)
            {
                result = await finalize.ApplyRefundsAsync(recordId.Value, [StripeMapping.ToSnapshot(refund)], null, source, cancellationToken);
            }
            else if (await gateway.RetrieveAsync(paymentIntentId!, cancellationToken) is { } intent)
            {
                // An API version the shop does not read: the PaymentIntent, fetched fresh, carries the refunded total.
                result = await finalize.ApplyAsync(recordId.Value, intent, source, cancellationToken);
            }
            else
            {
                return (recordId, "PaymentIntent not found at Stripe");
            }

            return (recordId, result.Status.ToString());
        }

        return (null, IgnoredOutcome);
    }

    /// <summary>One line per <see cref="RefusalLogInterval"/>, with the count of those not logged since the last.</summary>
    private void LogRejected(string reason)
    {
        if (refusals.ShouldLog(out var unlogged))
        {
            logger.LogWarning("Stripe webhook rejected: {Reason} ({Unlogged} rejections since the last line not logged)", reason, unlogged);
        }
    }

    /// <summary>The record a PaymentIntent belongs to: by its id, else by the order and attempt in its metadata.</summary>
    private async Task<long?> FindRecordAsync(string? paymentIntentId, string? orderIdMetadata, string? attemptMetadata, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (paymentIntentId is not null
            && await db.PaymentRecords.Where(p => p.PaymentIntentId == paymentIntentId).Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken) is { } byId)
        {
            return byId;
        }

        if (long.TryParse(orderIdMetadata, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)
            && int.TryParse(attemptMetadata, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return await db.PaymentRecords.Where(p => p.OrderId == orderId && p.Attempt == attempt)
                .Select(p => (long?)p.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return null;
    }

    /// <summary>A string field of data.object, read from the raw payload whatever the API version.</summary>
    private static string? RawObject(string json, string field)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("data", out var data)
            && data.TryGetProperty("object", out var obj)
            && obj.TryGetProperty(field, out var value)
            && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}
