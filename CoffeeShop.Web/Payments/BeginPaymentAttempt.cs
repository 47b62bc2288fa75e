using System.Security.Cryptography;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Shopping;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// Phase 1 of the checkout: the order, its Pending attempt and the stock it holds, committed before any
/// call to Stripe. The database keeps the rules: one order awaiting payment per cart (a partial unique
/// index), at most one attempt of an order holding stock (another), and never more held than on hand (a
/// check constraint). So any number of forms of one cart, posted in any order or at once, begin at most
/// one attempt while another is in flight.
/// </summary>
public sealed class BeginPaymentAttempt(IDbContextFactory<AppDbContext> contexts, TimeProvider clock)
{
    public async Task<BeganAttempt> BeginAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        try
        {
            return await TryFirstAttemptAsync(submission, cancellationToken) ?? await BeginOnLiveOrderAsync(submission, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && ex.ConstraintName == "ck_products_reserved_within_stock")
        {
            return new BeganAttempt.Answered(new CheckoutOutcome(CheckoutOutcomeKind.SoldOut));
        }
    }

    /// <summary>
    /// The common case, a cart with no live order: the order, its lines, attempt 1 and the stock
    /// reservation as one statement, which PostgreSQL commits or refuses as a whole (ADR 0009). Null when
    /// the cart already has a live order or the checkout id an order (ON CONFLICT: a concurrent form waits
    /// here for the other's commit), or when the cart's round already has an order: another form of this cart
    /// paid after this one read the cart. A reservation beyond what is on hand fails the check constraint.
    /// </summary>
    private async Task<BeganAttempt?> TryFirstAttemptAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        var order = NewOrder(submission);
        var draft = NewAttempt(order, 1, submission);
        // Sorted by product, so two checkouts lock the same products in the same order.
        var lines = order.Lines.OrderBy(l => l.ProductId).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var created = await db.PaymentRecords.FromSql($"""
            WITH new_order AS (
                INSERT INTO orders (public_id, checkout_id, cart_id, cart_fingerprint, cart_round, email, status, total_minor, subtotal_minor, shipping_minor,
                    shipping_vat_rate_basis_points, currency, created_at,
                    ship_name, ship_line1, ship_line2, ship_postal_code, ship_city, ship_country, ship_phone)
                VALUES ({order.PublicId}, {order.CheckoutId}, {order.CartId}, {order.CartFingerprint}, {order.CartRound}, {order.Email},
                    {nameof(OrderStatus.AwaitingPayment)}, {order.TotalMinor}, {order.SubtotalMinor}, {order.ShippingMinor},
                    {order.ShippingVatRateBasisPoints}, {order.Currency}, {order.CreatedAt},
                    {order.ShipName}, {order.ShipLine1}, {order.ShipLine2}, {order.ShipPostalCode}, {order.ShipCity}, {order.ShipCountry}, {order.ShipPhone})
                ON CONFLICT DO NOTHING
                RETURNING id),
            line AS (
                SELECT * FROM unnest({lines.Select(l => l.ProductId).ToArray()}, {lines.Select(l => l.ProductName).ToArray()},
                    {lines.Select(l => l.UnitPriceMinor).ToArray()}, {lines.Select(l => l.Quantity).ToArray()},
                    {lines.Select(l => l.LineTotalMinor).ToArray()}, {lines.Select(l => l.VatRateBasisPoints).ToArray()})
                    AS line(product_id, product_name, unit_price_minor, quantity, line_total_minor, vat_rate_basis_points)),
            new_lines AS (
                INSERT INTO order_lines (order_id, product_id, product_name, unit_price_minor, quantity, line_total_minor, vat_rate_basis_points)
                SELECT new_order.id, line.product_id, line.product_name, line.unit_price_minor, line.quantity, line.line_total_minor, line.vat_rate_basis_points
                FROM new_order, line),
            held AS (
                -- StockMove.Hold, inside this statement: an inactive product counts as sold out.
                INSERT INTO stock_movements (product_id, on_hand_delta, reserved_delta, reason, order_id)
                SELECT line.product_id, 0, CASE WHEN products.is_active THEN line.quantity ELSE products.stock + 1 END,
                    {nameof(StockMovementReason.Reservation)}, new_order.id
                FROM new_order, line JOIN products ON products.id = line.product_id
                ORDER BY line.product_id)
            INSERT INTO payment_records (order_id, attempt, status, amount_minor, currency, customer_email, items_summary,
                refunded_minor, livemode, stock_reservation, reconcile_visits, created_at, updated_at)
            SELECT new_order.id, {draft.Attempt}, {draft.Status.ToString()}, {draft.AmountMinor}, {draft.Currency}, {draft.CustomerEmail},
                {draft.ItemsSummary}, 0, false, {draft.StockReservation.ToString()}, 0, {draft.CreatedAt}, {draft.UpdatedAt}
            FROM new_order
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        if (created is not [var record])
        {
            return null;
        }

        order.Id = record.OrderId;
        return new BeganAttempt.Started(order, record);
    }

    /// <summary>
    /// The cart has a live order (another tab, a retry, a double submit): lock it and decide from its
    /// latest attempt. An attempt in flight is never joined by a second; one waiting for the customer is
    /// canceled first (by the caller); after a definitive failure a new attempt begins, on the same order
    /// when the cart is unchanged, else on a new order that replaces it.
    /// </summary>
    private async Task<BeganAttempt> BeginOnLiveOrderAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cartId = submission.Cart.CartId!.Value;
        var live = (await db.Orders
            .FromSql($"SELECT * FROM orders WHERE cart_id = {cartId} AND status = {nameof(OrderStatus.AwaitingPayment)} FOR UPDATE")
            .ToListAsync(cancellationToken)).SingleOrDefault();
        var own = live?.CheckoutId == submission.CheckoutId
            ? live
            : await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.CheckoutId == submission.CheckoutId, cancellationToken);
        if (own is not null && own.Id != live?.Id)
        {
            // This form's order is over: paid (a resubmit after success) or replaced by a newer one.
            return new BeganAttempt.Answered(own.Status == OrderStatus.Paid
                ? new CheckoutOutcome(CheckoutOutcomeKind.Paid, own.PublicId)
                : new CheckoutOutcome(CheckoutOutcomeKind.Stale));
        }

        if (live is null)
        {
            // The live order that stopped the first statement was paid or replaced meanwhile.
            return new BeganAttempt.Answered(new CheckoutOutcome(CheckoutOutcomeKind.Stale));
        }

        var latest = await db.PaymentRecords.LatestAttemptAsync(live.Id, cancellationToken);
        if (latest is { BlocksNewAttempt: true })
        {
            return new BeganAttempt.Answered(new CheckoutOutcome(CheckoutOutcomeKind.Confirming, live.PublicId));
        }

        if (latest is { Status: PaymentStatus.RequiresAction })
        {
            return new BeganAttempt.MustCancel(live, latest);
        }

        var order = live;
        var attempt = (latest?.Attempt ?? 0) + 1;
        if (live.CartFingerprint != submission.Cart.Fingerprint)
        {
            if (own is not null || live.CartRound != submission.Cart.Round)
            {
                return new BeganAttempt.Answered(new CheckoutOutcome(CheckoutOutcomeKind.Stale));
            }

            // The cart changed since this order: its last attempt took no money and holds no stock, so it is over.
            live.Status = OrderStatus.Abandoned;
            await db.SaveChangesAsync(cancellationToken);
            order = NewOrder(submission);
            db.Orders.Add(order);
            attempt = 1;
        }

        // The order takes this form's email, address and shipping, so the new attempt charges what the order says.
        TakeDelivery(order, submission);
        await db.SaveChangesAsync(cancellationToken);
        var record = NewAttempt(order, attempt, submission);
        db.PaymentRecords.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await StockMoves.ApplyAsync(db, order, StockMove.Hold, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BeganAttempt.Started(order, record);
    }

    private PaymentRecord NewAttempt(Order order, int attempt, CheckoutSubmission submission) =>
        PaymentRecord.BeginAttempt(order, attempt, submission.Email, ItemsSummary(submission.Cart), clock.GetUtcNow());

    private Order NewOrder(CheckoutSubmission submission)
    {
        var cart = submission.Cart;
        // VAT from the price list the cart's fingerprint pinned, like its shipping.
        var vatRate = cart.Prices.VatRateBasisPoints;
        var order = new Order
        {
            PublicId = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
            CheckoutId = submission.CheckoutId,
            CartId = cart.CartId!.Value,
            CartFingerprint = cart.Fingerprint,
            CartRound = cart.Round,
            Email = submission.Email,
            Status = OrderStatus.AwaitingPayment,
            ShippingVatRateBasisPoints = vatRate,
            Currency = cart.Currency,
            CreatedAt = clock.GetUtcNow(),
            Lines = cart.Lines.Select(l => new OrderLine
            {
                ProductId = l.ProductId,
                ProductName = l.Name,
                UnitPriceMinor = l.UnitPrice.Minor,
                Quantity = l.Quantity,
                LineTotalMinor = l.LineTotal.Minor,
                VatRateBasisPoints = vatRate,
            }).ToList(),
        };
        TakeDelivery(order, submission);
        return order;
    }

    /// <summary>The submission's email, address, shipping and total on the order (the goods are the cart's, which the fingerprint pins).</summary>
    private static void TakeDelivery(Order order, CheckoutSubmission submission)
    {
        order.Email = submission.Email;
        order.SetShipTo(submission.ShipTo);
        order.SubtotalMinor = submission.Cart.Subtotal.Minor;
        order.ShippingMinor = submission.Shipping.Minor;
        order.TotalMinor = submission.Total.Minor;
    }

    private static string ItemsSummary(CartView cart)
    {
        var summary = string.Join(", ", cart.Lines.Select(l => $"{l.Quantity} × {l.Name}"));
        return summary.Length <= 500 ? summary : summary[..497] + "...";
    }
}
