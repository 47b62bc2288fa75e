using System.Security.Cryptography;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CoffeeShop.Web.Payments;

public enum CheckoutOutcomeKind
{
    Paid,
    Processing,
    RequiresAction,
    Declined,
    /// <summary>Stripe's answer is not known yet; reconciliation will settle the record.</summary>
    Confirming,
    /// <summary>The form no longer matches the cart or its order; nothing was charged.</summary>
    Stale,
}

public sealed record CheckoutOutcome(CheckoutOutcomeKind Kind, string? OrderPublicId = null, string? RedirectUrl = null, string? DeclineCode = null);

public sealed record CheckoutSubmission(CartView Cart, Guid CheckoutId, string Email, string ConfirmationToken, Func<string, string> ReturnUrlFor);

/// <summary>
/// The checkout POST in its phases: (1) the order and a Pending payment record under an idempotency
/// key are committed (for a form seen the first time, in one statement); (2) Stripe is called with no
/// transaction or connection held; (3) FinalizePayment stores the answer. A resubmitted form finds its
/// order by the checkout id and never starts a second charge while the first one's outcome is unknown.
/// </summary>
public sealed class CheckoutPayment(
    IDbContextFactory<AppDbContext> contexts,
    IPaymentGateway gateway,
    FinalizePayment finalize,
    TimeProvider clock,
    ILogger<CheckoutPayment> logger)
{
    public async Task<CheckoutOutcome> SubmitAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        var begun = await BeginAttemptAsync(submission, cancellationToken);
        if (begun.Record is not { } record)
        {
            return begun.Outcome!;
        }

        var order = begun.Order!;
        var result = await gateway.CreateAndConfirmAsync(new PaymentRequest(
            order.Id, record.Attempt, order.Reference, record.Amount, order.Email, submission.ConfirmationToken,
            submission.ReturnUrlFor(order.PublicId), record.IdempotencyKey, $"CoffeeShop order {order.Reference}"), cancellationToken);
        if (result.Intent is not { } intent)
        {
            return new CheckoutOutcome(CheckoutOutcomeKind.Confirming, order.PublicId);
        }

        FinalizeResult settled;
        try
        {
            settled = await finalize.ApplyAsync(record.Id, intent, "checkout", CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Stripe answered but the answer could not be stored: the Pending record, its key and its
            // order id stay for the reconciler, which will ask Stripe again.
            logger.LogError(ex, "Storing Stripe's answer for payment {PaymentRecordId} (order {OrderId}, {PaymentIntentId}) failed", record.Id, order.Id, intent.Id);
            return new CheckoutOutcome(CheckoutOutcomeKind.Confirming, order.PublicId);
        }

        return settled.Status switch
        {
            PaymentStatus.Succeeded => new(CheckoutOutcomeKind.Paid, order.PublicId),
            PaymentStatus.Processing => new(CheckoutOutcomeKind.Processing, order.PublicId),
            PaymentStatus.RequiresAction => new(CheckoutOutcomeKind.RequiresAction, order.PublicId, intent.RedirectUrl),
            PaymentStatus.Failed or PaymentStatus.Canceled => new(CheckoutOutcomeKind.Declined, order.PublicId, DeclineCode: intent.FailureCode),
            _ => new(CheckoutOutcomeKind.Confirming, order.PublicId),
        };
    }

    /// <summary>The checkout id to render for this cart: its open order's, so a retry after a decline continues that order.</summary>
    public async Task<(Guid CheckoutId, Order? OpenOrder, bool PaymentInFlight)> PrepareAsync(CartView cart, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Orders.AsNoTracking()
            .Where(o => o.CartId == cart.CartId && o.Status == OrderStatus.AwaitingPayment)
            .OrderByDescending(o => o.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (open is null)
        {
            return (Guid.NewGuid(), null, false);
        }

        var latest = await LatestAttemptAsync(db, open.Id, cancellationToken);
        var inFlight = latest is not null && (PaymentStatusRules.IsInFlight(latest.Status) || latest.Status == PaymentStatus.NeedsAttention);
        if (inFlight || open.CartFingerprint == cart.Fingerprint)
        {
            return (open.CheckoutId, open, inFlight);
        }

        // The cart changed after an attempt that did not take money: that order is over.
        await db.Orders.Where(o => o.Id == open.Id && o.Status == OrderStatus.AwaitingPayment)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Abandoned), cancellationToken);
        return (Guid.NewGuid(), null, false);
    }

    private sealed record Begun(Order? Order, PaymentRecord? Record, CheckoutOutcome? Outcome);

    /// <summary>Phase 1: the order and a Pending record, committed before any call to Stripe.</summary>
    private async Task<Begun> BeginAttemptAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        if (await TryBeginFirstAttemptAsync(submission, cancellationToken) is { } first)
        {
            return first;
        }

        // The checkout id has an order already (a retry, a resubmitted form, or a double submit that lost
        // the race): lock it and decide from its latest attempt. Loops only after canceling an abandoned
        // 3-D Secure attempt.
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var order = (await db.Orders
                .FromSql($"SELECT * FROM orders WHERE checkout_id = {submission.CheckoutId} FOR UPDATE")
                .ToListAsync(cancellationToken)).SingleOrDefault();
            // No order: the first-attempt statement found the id taken, yet orders are never deleted, so
            // only a form from before a database restore gets here. Nothing was charged either way.
            if (order is null || order.CartId != submission.Cart.CartId || order.CartFingerprint != submission.Cart.Fingerprint
                || order.Status == OrderStatus.Abandoned)
            {
                return new Begun(null, null, new CheckoutOutcome(CheckoutOutcomeKind.Stale));
            }

            var latest = await LatestAttemptAsync(db, order.Id, cancellationToken);
            if (order.Status == OrderStatus.Paid || latest is not null && (PaymentStatusRules.IsPaid(latest.Status)
                || PaymentStatusRules.IsInFlight(latest.Status) || latest.Status == PaymentStatus.NeedsAttention))
            {
                return new Begun(null, null, new CheckoutOutcome(
                    order.Status == OrderStatus.Paid ? CheckoutOutcomeKind.Paid : CheckoutOutcomeKind.Confirming, order.PublicId));
            }

            if (latest is { Status: PaymentStatus.RequiresAction, PaymentIntentId: { } waiting })
            {
                await transaction.RollbackAsync(cancellationToken);
                if (!await CancelAbandonedAuthenticationAsync(latest.Id, waiting, cancellationToken))
                {
                    return new Begun(null, null, new CheckoutOutcome(CheckoutOutcomeKind.Confirming, order.PublicId));
                }

                continue;
            }

            var now = clock.GetUtcNow();
            var record = new PaymentRecord
            {
                OrderId = order.Id,
                Attempt = (latest?.Attempt ?? 0) + 1,
                Status = PaymentStatus.Pending,
                AmountMinor = order.TotalMinor,
                Currency = order.Currency,
                CustomerEmail = submission.Email,
                ItemsSummary = ItemsSummary(submission.Cart),
                CreatedAt = now,
                UpdatedAt = now,
            };
            order.Email = submission.Email;
            db.PaymentRecords.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Begun(order, record, null);
        }
    }

    private sealed record CreatedAttempt(long OrderId, long PaymentRecordId, string IdempotencyKey);

    /// <summary>
    /// A form submitted for the first time: its order, the order's lines and attempt 1 as one INSERT
    /// statement, which PostgreSQL commits as a whole. No transaction stays open between round trips,
    /// and there is never an order without its Pending record. Null when the checkout id already has an
    /// order (ON CONFLICT DO NOTHING: a concurrent double submit waits here for the first one's commit).
    /// </summary>
    private async Task<Begun?> TryBeginFirstAttemptAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        var order = NewOrder(submission);
        var lines = order.Lines;
        var summary = ItemsSummary(submission.Cart);
        var now = order.CreatedAt;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var created = await db.Database.SqlQuery<CreatedAttempt>($"""
            WITH new_order AS (
                INSERT INTO orders (public_id, checkout_id, cart_id, cart_fingerprint, email, status, total_minor, currency, created_at)
                VALUES ({order.PublicId}, {order.CheckoutId}, {order.CartId}, {order.CartFingerprint}, {order.Email},
                    {nameof(OrderStatus.AwaitingPayment)}, {order.TotalMinor}, {order.Currency}, {now})
                ON CONFLICT (checkout_id) DO NOTHING
                RETURNING id),
            new_lines AS (
                INSERT INTO order_lines (order_id, product_id, product_name, unit_price_minor, quantity, line_total_minor)
                SELECT new_order.id, line.product_id, line.product_name, line.unit_price_minor, line.quantity, line.line_total_minor
                FROM new_order, unnest({lines.Select(l => l.ProductId).ToArray()}, {lines.Select(l => l.ProductName).ToArray()},
                    {lines.Select(l => l.UnitPriceMinor).ToArray()}, {lines.Select(l => l.Quantity).ToArray()},
                    {lines.Select(l => l.LineTotalMinor).ToArray()})
                    AS line(product_id, product_name, unit_price_minor, quantity, line_total_minor))
            INSERT INTO payment_records (order_id, attempt, status, amount_minor, currency, customer_email, items_summary,
                refunded_minor, livemode, created_at, updated_at)
            SELECT new_order.id, 1, {nameof(PaymentStatus.Pending)}, {order.TotalMinor}, {order.Currency}, {submission.Email}, {summary},
                0, false, {now}, {now}
            FROM new_order
            RETURNING order_id, id AS payment_record_id, idempotency_key
            """).ToListAsync(cancellationToken);
        if (created is not [var row])
        {
            return null;
        }

        order.Id = row.OrderId;
        var record = new PaymentRecord
        {
            Id = row.PaymentRecordId,
            OrderId = order.Id,
            Attempt = 1,
            Status = PaymentStatus.Pending,
            AmountMinor = order.TotalMinor,
            Currency = order.Currency,
            CustomerEmail = submission.Email,
            ItemsSummary = summary,
            IdempotencyKey = row.IdempotencyKey,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return new Begun(order, record, null);
    }

    /// <summary>
    /// A customer who left the 3-D Secure step and pays again: the waiting PaymentIntent is canceled
    /// first, so it can never succeed beside the new attempt. True when the old attempt is settled.
    /// </summary>
    private async Task<bool> CancelAbandonedAuthenticationAsync(long recordId, string paymentIntentId, CancellationToken cancellationToken)
    {
        var canceled = await gateway.CancelAsync(paymentIntentId, $"cancel-{paymentIntentId}", cancellationToken);
        if (canceled.Intent is not { } intent)
        {
            return false;
        }

        var settled = await finalize.ApplyAsync(recordId, intent, "checkout-retry", cancellationToken);
        return settled.Status is PaymentStatus.Canceled or PaymentStatus.Failed;
    }

    private Order NewOrder(CheckoutSubmission submission)
    {
        var cart = submission.Cart;
        return new Order
        {
            PublicId = Base64Url(RandomNumberGenerator.GetBytes(16)),
            CheckoutId = submission.CheckoutId,
            CartId = cart.CartId!.Value,
            CartFingerprint = cart.Fingerprint,
            Email = submission.Email,
            Status = OrderStatus.AwaitingPayment,
            TotalMinor = cart.Total.Minor,
            Currency = cart.Currency,
            CreatedAt = clock.GetUtcNow(),
            Lines = cart.Lines.Select(l => new OrderLine
            {
                ProductId = l.ProductId,
                ProductName = l.Name,
                UnitPriceMinor = l.UnitPrice.Minor,
                Quantity = l.Quantity,
                LineTotalMinor = l.LineTotal.Minor,
            }).ToList(),
        };
    }

    private static Task<PaymentRecord?> LatestAttemptAsync(AppDbContext db, long orderId, CancellationToken cancellationToken) =>
        db.PaymentRecords.LatestAttemptAsync(orderId, cancellationToken);

    private static string ItemsSummary(CartView cart)
    {
        var summary = string.Join(", ", cart.Lines.Select(l => $"{l.Quantity} × {l.Name}"));
        return summary.Length <= 500 ? summary : summary[..497] + "...";
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
