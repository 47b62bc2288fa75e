using CoffeeShop.Web.Data;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Shopping;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// The checkout POST in its phases: (1) <see cref="BeginPaymentAttempt"/> commits the order, a Pending
/// attempt and its stock reservation; (2) Stripe is called with no transaction or connection held;
/// (3) <see cref="FinalizePayment"/> stores the answer. An attempt still waiting for the customer at
/// Stripe is canceled before another begins, so two attempts of one cart can never both succeed.
/// </summary>
public sealed class CheckoutPayment(
    IDbContextFactory<AppDbContext> contexts,
    BeginPaymentAttempt begin,
    IPaymentGateway gateway,
    FinalizePayment finalize,
    ShopMetrics metrics,
    ILogger<CheckoutPayment> logger)
{
    /// <summary>A 3-D Secure step left open is canceled at most this often per submit before the customer is asked to wait.</summary>
    private const int MaxCancels = 2;

    /// <summary>Pays for the submitted cart; every outcome, a failure too, is counted in <c>coffeeshop.checkouts</c>.</summary>
    public async Task<CheckoutOutcome> SubmitAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        CheckoutOutcome outcome;
        try
        {
            outcome = await PayAsync(submission, cancellationToken);
        }
        catch (Exception)
        {
            metrics.CheckoutEnded(cancellationToken.IsCancellationRequested ? "canceled" : "error");
            throw;
        }

        metrics.CheckoutEnded(OutcomeTag(outcome.Kind));
        return outcome;
    }

    /// <summary>The tag values are spelled out here, so renaming a kind does not quietly start a new series.</summary>
    private static string OutcomeTag(CheckoutOutcomeKind kind) => kind switch
    {
        CheckoutOutcomeKind.Paid => "paid",
        CheckoutOutcomeKind.Processing => "processing",
        CheckoutOutcomeKind.RequiresAction => "requires_action",
        CheckoutOutcomeKind.Declined => "declined",
        CheckoutOutcomeKind.Confirming => "confirming",
        CheckoutOutcomeKind.Stale => "stale",
        CheckoutOutcomeKind.SoldOut => "sold_out",
        _ => "other",
    };

    private async Task<CheckoutOutcome> PayAsync(CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        for (var cancels = 0; ; cancels++)
        {
            switch (await begin.BeginAsync(submission, cancellationToken))
            {
                case BeganAttempt.Answered answered:
                    return answered.Outcome;
                case BeganAttempt.MustCancel waiting when cancels < MaxCancels:
                    if (await CancelWaitingAttemptAsync(waiting, cancellationToken) is { } settled)
                    {
                        return settled;
                    }

                    break;
                case BeganAttempt.MustCancel waiting:
                    return new CheckoutOutcome(CheckoutOutcomeKind.Confirming, waiting.Order.PublicId);
                case BeganAttempt.Started started:
                    return await ChargeAsync(started.Order, started.Record, submission, cancellationToken);
            }
        }
    }

    /// <summary>The checkout id to render for this cart: its live order's when the cart still matches it, so a retry continues that order.</summary>
    public async Task<(Guid CheckoutId, Order? OpenOrder, bool PaymentInFlight)> PrepareAsync(CartView cart, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Orders.AsNoTracking()
            .SingleOrDefaultAsync(o => o.CartId == cart.CartId && o.Status == OrderStatus.AwaitingPayment, cancellationToken);
        if (open is null)
        {
            return (Guid.NewGuid(), null, false);
        }

        var latest = await db.PaymentRecords.AsNoTracking().LatestAttemptAsync(open.Id, cancellationToken);
        var inFlight = latest is { BlocksNewAttempt: true };
        // A changed cart gets a new checkout id; paying it replaces the live order (after canceling what it left open).
        return (inFlight || open.CartFingerprint == cart.Fingerprint ? open.CheckoutId : Guid.NewGuid(), open, inFlight);
    }

    private async Task<CheckoutOutcome> ChargeAsync(Order order, PaymentRecord record, CheckoutSubmission submission, CancellationToken cancellationToken)
    {
        var result = await gateway.CreateAndConfirmAsync(new PaymentRequest(
            order.Id, record.Attempt, order.Reference, record.Amount, order.Email, submission.ConfirmationToken,
            submission.ReturnUrlFor(order.PublicId), record.IdempotencyKey, $"CoffeeShop order {order.Reference}", order.ShipTo), cancellationToken);
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

    /// <summary>
    /// A customer who left a 3-D Secure step open and pays again (here or in another tab): the waiting
    /// PaymentIntent is canceled first. Null when it is canceled and a new attempt may begin; otherwise
    /// the outcome to show — paid when it succeeded meanwhile (that success is applied, nothing new is
    /// charged), confirming when Stripe could not be asked.
    /// </summary>
    private async Task<CheckoutOutcome?> CancelWaitingAttemptAsync(BeganAttempt.MustCancel waiting, CancellationToken cancellationToken)
    {
        if (waiting.Waiting.PaymentIntentId is not { } paymentIntentId)
        {
            return new CheckoutOutcome(CheckoutOutcomeKind.Confirming, waiting.Order.PublicId);
        }

        var canceled = await gateway.CancelAsync(paymentIntentId, $"cancel-{paymentIntentId}", cancellationToken);
        if (canceled.Intent is not { } intent)
        {
            return new CheckoutOutcome(CheckoutOutcomeKind.Confirming, waiting.Order.PublicId);
        }

        var settled = await finalize.ApplyAsync(waiting.Waiting.Id, intent, "checkout-cancel", cancellationToken);
        return settled.Status switch
        {
            PaymentStatus.Canceled or PaymentStatus.Failed => null,
            _ when PaymentStatusRules.IsPaid(settled.Status) => new CheckoutOutcome(CheckoutOutcomeKind.Paid, settled.OrderPublicId),
            _ => new CheckoutOutcome(CheckoutOutcomeKind.Confirming, settled.OrderPublicId),
        };
    }
}
