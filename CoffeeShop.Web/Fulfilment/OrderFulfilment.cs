using System.Globalization;
using System.Security.Cryptography;
using CoffeeShop.Web.Auditing;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Messaging;
using CoffeeShop.Web.Payments;
using CoffeeShop.Web.Shopping;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Fulfilment;

/// <summary>
/// The admins' fulfilment steps. Each one is a compare-and-set on the order's status: the form carries the
/// status the admin saw, the UPDATE matches only while the order is still there, and the timeline row is
/// written in the same transaction. Two admins, a double submit or a stale page therefore move an order
/// once, and the others read where it went and who took it there. Which steps exist is
/// <see cref="FulfilmentRules"/>' business alone.
/// </summary>
public sealed class OrderFulfilment(IDbContextFactory<AppDbContext> contexts, RefundPayment refunds, IOptions<FulfilmentOptions> fulfilment,
    IOptions<ShopOptions> shop, TimeProvider clock, ILogger<OrderFulfilment> logger)
{
    public Task<FulfilmentOutcome> MarkPackedAsync(long orderId, FulfilmentStatus expected, AdminActor actor, CancellationToken cancellationToken) =>
        MoveAsync(orderId, expected, FulfilmentStatus.Packed, actor, "Packed", (s, now) => s.SetProperty(o => o.PackedAt, now), cancellationToken);

    public Task<FulfilmentOutcome> MarkShippedAsync(long orderId, FulfilmentStatus expected, string? carrierName, string? trackingNumber, AdminActor actor,
        CancellationToken cancellationToken)
    {
        if (ShippingProblem(carrierName, trackingNumber, out var carrier, out var number) is { } problem)
        {
            return Task.FromResult(new FulfilmentOutcome(FulfilmentOutcomeKind.Refused, problem));
        }

        var link = carrier.TrackingLinkFor(number);
        return MoveAsync(orderId, expected, FulfilmentStatus.Shipped, actor, $"Shipped with {carrier.Name}, tracking number {number}", (s, now) => s
            .SetProperty(o => o.ShippedAt, now)
            .SetProperty(o => o.Carrier, carrier.Name)
            .SetProperty(o => o.TrackingNumber, number)
            .SetProperty(o => o.TrackingUrl, link), cancellationToken);
    }

    public Task<FulfilmentOutcome> MarkDeliveredAsync(long orderId, FulfilmentStatus expected, AdminActor actor, CancellationToken cancellationToken) =>
        MoveAsync(orderId, expected, FulfilmentStatus.Delivered, actor, "Delivered", (s, now) => s.SetProperty(o => o.DeliveredAt, now), cancellationToken);

    /// <summary>
    /// Cancels the order first (so nobody packs or ships it meanwhile), then gives the money back through
    /// <see cref="RefundPayment"/>: <paramref name="refundId"/> came with the form, so a double submit refunds once.
    /// A refund that does not go through leaves the order canceled and its payment refundable by hand.
    /// </summary>
    public async Task<FulfilmentOutcome> CancelAsync(long orderId, FulfilmentStatus expected, Guid refundId, string? reason, bool returnToStock, AdminActor actor,
        CancellationToken cancellationToken)
    {
        if (reason is not null && !RefundReasons.IsKnown(reason))
        {
            return new FulfilmentOutcome(FulfilmentOutcomeKind.Refused, "Choose a refund reason from the list.");
        }

        var canceled = await MoveAsync(orderId, expected, FulfilmentStatus.Canceled, actor, "Canceled", (s, now) => s.SetProperty(o => o.CanceledAt, now), cancellationToken);
        if (!canceled.Applied)
        {
            return canceled;
        }

        var messages = new List<string> { canceled.Message };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var paid = await db.PaymentRecords.AsNoTracking()
            .Where(p => p.OrderId == orderId && (p.Status == PaymentStatus.Succeeded || p.Status == PaymentStatus.PartiallyRefunded) && p.RefundedMinor < p.AmountMinor)
            .OrderBy(p => p.Id).Select(p => new { p.Id, Refundable = p.AmountMinor - p.RefundedMinor }).ToListAsync(cancellationToken);
        foreach (var (payment, i) in paid.Select((p, i) => (p, i)))
        {
            var outcome = await refunds.RequestAsync(payment.Id, i == 0 ? refundId : Derived(refundId, payment.Id), payment.Refundable,
                reason, actor, cancellationToken, returnToStock);
            messages.Add(outcome.Message);
            db.OrderEvents.Add(new OrderEvent
            {
                OrderId = orderId,
                At = clock.GetUtcNow(),
                Actor = Truncate(actor.Name, 254),
                FromStatus = FulfilmentStatus.Canceled,
                Note = Truncate($"Refund of payment attempt {payment.Id}: {outcome.Message}", 500),
            });
        }

        if (paid.Count == 0)
        {
            messages.Add("No paid payment was left to refund.");
        }

        await db.SaveChangesAsync(cancellationToken);
        return canceled with { Message = string.Join(" ", messages) };
    }

    /// <summary>The configured carrier of exactly this name, or null.</summary>
    public Carrier? CarrierNamed(string? name) => fulfilment.Value.Carriers.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    public IReadOnlyList<Carrier> Carriers => fulfilment.Value.Carriers;

    private string? ShippingProblem(string? carrierName, string? trackingNumber, out Carrier carrier, out string number)
    {
        var problem = TrackingNumber.Problem(trackingNumber, out number);
        carrier = CarrierNamed(carrierName)!;
        return carrier is null ? "Choose a carrier from the list." : problem;
    }

    private async Task<FulfilmentOutcome> MoveAsync(long orderId, FulfilmentStatus expected, FulfilmentStatus to, AdminActor actor, string note,
        Action<UpdateSettersBuilder<Order>, DateTimeOffset> setStepColumns, CancellationToken cancellationToken)
    {
        if (!FulfilmentRules.CanMove(expected, to))
        {
            return new FulfilmentOutcome(FulfilmentOutcomeKind.Refused,
                $"An order that is {FulfilmentRules.Label(expected)} cannot be marked {FulfilmentRules.Label(to)}; nothing was changed.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var now = clock.GetUtcNow();
            // The compare-and-set: a concurrent step on the same order waits for this row, then finds it moved and matches nothing.
            var moved = await db.Orders.Where(o => o.Id == orderId && o.Fulfilment == expected).ExecuteUpdateAsync(s =>
            {
                s.SetProperty(o => o.Fulfilment, to);
                setStepColumns(s, now);
            }, cancellationToken);
            if (moved == 1)
            {
                db.OrderEvents.Add(new OrderEvent { OrderId = orderId, At = now, Actor = Truncate(actor.Name, 254), FromStatus = expected, ToStatus = to, Note = Truncate(note, 500) });
                AuditTrail.Add(db, actor, AuditAction.FulfilmentStep, $"order {Order.FormatReference(orderId)}",
                    new { fulfilment = expected.ToString() }, new { fulfilment = to.ToString(), note }, now);
                if (to == FulfilmentStatus.Shipped)
                {
                    await Outbox.OrderShippedAsync(db, orderId, now, cancellationToken);
                }

                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Order {OrderId} moved {From} -> {To}", orderId, expected, to);
                return new FulfilmentOutcome(FulfilmentOutcomeKind.Applied, $"{Order.FormatReference(orderId)} is now {FulfilmentRules.Label(to)}.");
            }
        }

        var current = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => new { o.Fulfilment }).SingleOrDefaultAsync(cancellationToken);
        if (current?.Fulfilment is not { } status)
        {
            return new FulfilmentOutcome(FulfilmentOutcomeKind.NotFound, $"There is no paid order {Order.FormatReference(orderId)}.");
        }

        var last = await db.OrderEvents.AsNoTracking().Where(e => e.OrderId == orderId && e.ToStatus == status)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => new { e.Actor, e.At }).FirstOrDefaultAsync(cancellationToken);
        var by = last is null ? "" : $" (by {last.Actor} at {Local(last.At)})";
        return new FulfilmentOutcome(FulfilmentOutcomeKind.AlreadyMoved, $"This order is already {FulfilmentRules.Label(status)}{by}; nothing was changed.");
    }

    private string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, shop.Value.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A second paid payment of one order gets its own refund id, the same on every submit of the form.</summary>
    private static Guid Derived(Guid refundId, long paymentRecordId)
    {
        var hash = SHA256.HashData([.. refundId.ToByteArray(), .. BitConverter.GetBytes(paymentRecordId)]);
        return new Guid(hash.AsSpan(0, 16));
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
