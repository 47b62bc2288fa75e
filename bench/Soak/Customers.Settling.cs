using System.Text.Json.Nodes;
using CoffeeShop.Bench.CheckoutLoad;

namespace CoffeeShop.Bench.Soak;

/// <summary>
/// What happens after the checkout answered, away from the checkout page: the bank's 3-D Secure page,
/// a processing payment settling days later (here seconds), and refunds made in the Stripe Dashboard.
/// </summary>
internal sealed partial class Customers
{
    /// <summary>3-D Secure: finished (most), failed, or left open (the reconciler cancels it after its documented time).</summary>
    private async Task AuthenticateAsync(Customer customer, string email, CancellationToken cancellationToken)
    {
        var intent = (await stripe.PaymentIntentsOfCustomerAsync(email, cancellationToken)).LastOrDefault(i => i.Status == "requires_action");
        if (intent.Id is null)
        {
            counters.Add("3-D Secure: no PaymentIntent waiting");
            return;
        }

        Emit("payment_intent.requires_action", await stripe.PaymentIntentAsync(intent.Id, cancellationToken));
        var roll = Random.Shared.Next(100);
        if (roll < 25)
        {
            counters.Add("3-D Secure: abandoned");
            return;
        }

        var succeed = roll >= 40;
        var returnUrl = await stripe.ReturnUrlAsync(intent.Id, cancellationToken);
        var after = await stripe.AuthenticateAsync(intent.Id, succeed, cancellationToken);
        if (after is null || returnUrl is null)
        {
            counters.Add("3-D Secure: could not be finished");
            return;
        }

        counters.Add(succeed ? "3-D Secure: completed" : "3-D Secure: failed");
        Emit(succeed ? "payment_intent.succeeded" : "payment_intent.payment_failed", after);
        // Back from the bank's page to the shop's return page, as the browser would be sent.
        var back = new Uri(returnUrl);
        var separator = back.Query.Length > 0 ? "&" : "?";
        using var returned = await shop.SendAsync(customer, HttpMethod.Get, $"{back.PathAndQuery}{separator}payment_intent={intent.Id}", "return", cancellationToken: cancellationToken);
        if ((int)returned.StatusCode >= 500)
        {
            throw new SoakRequestException($"GET {back.AbsolutePath} answered {(int)returned.StatusCode}");
        }

        if (succeed && returned.Headers.Location?.OriginalString is { } orderPath && orderPath.StartsWith("/Orders/", StringComparison.Ordinal))
        {
            paid.Add(await OrderAsync(customer, orderPath.Split('?')[0], cancellationToken));
        }
    }

    /// <summary>
    /// A payment left processing settles a few seconds later: mostly paid, sometimes a failed debit. Its
    /// processing event is sometimes delivered after the final one (out of order); after some successes a
    /// refund is made in the Dashboard at once, its events delivered before the success event.
    /// </summary>
    private async Task SettleProcessingAsync(string email, PaidOrder order, CancellationToken cancellationToken)
    {
        var intent = (await stripe.PaymentIntentsOfCustomerAsync(email, world)).LastOrDefault(i => i.Status == "processing");
        if (intent.Id is null)
        {
            counters.Add("processing: no PaymentIntent processing");
            return;
        }

        var processing = await stripe.PaymentIntentAsync(intent.Id, world);
        var overtaken = Random.Shared.Next(100) < 30;
        if (!overtaken)
        {
            Emit("payment_intent.processing", processing);
        }

        await Task.Delay(Random.Shared.Next(2000, 12000), world);
        var succeed = Random.Shared.Next(100) < 70;
        var settled = await stripe.SettleAsync(intent.Id, succeed ? "succeeded" : "requires_payment_method", world);
        if (settled is null)
        {
            return;
        }

        counters.Add(succeed ? "processing: settled paid" : "processing: debit failed");
        var finalDelay = Delay();
        if (succeed && Random.Shared.Next(100) < 25)
        {
            // The Dashboard refund's events reach the shop before the success event.
            await RefundInDashboardAsync(intent.Id, amount: null, TimeSpan.FromMilliseconds(200), world);
            finalDelay = TimeSpan.FromSeconds(Random.Shared.Next(3, 8));
        }

        stripe.Emit(succeed ? "payment_intent.succeeded" : "payment_intent.payment_failed", settled, finalDelay, Random.Shared.Next(100) < 10, world);
        if (overtaken)
        {
            stripe.Emit("payment_intent.processing", processing, finalDelay + TimeSpan.FromSeconds(Random.Shared.Next(2, 10)), false, world);
            counters.Add("processing: its event delivered after the final one");
        }

        if (succeed)
        {
            paid.Add(order);
        }
    }

    /// <summary>The "Dashboard" visitor: now and then a paid order is refunded at Stripe, in part or in full; the shop learns it from events only.</summary>
    public async Task DashboardRefundAsync(int who, CancellationToken cancellationToken)
    {
        await Task.Delay(Random.Shared.Next(3000, 8000), cancellationToken);
        if (paid.Take() is not { } order)
        {
            return;
        }

        var intent = (await stripe.PaymentIntentsOfOrderAsync(order.Id, cancellationToken)).LastOrDefault(i => i.Status == "succeeded");
        if (intent.Id is not null)
        {
            await RefundInDashboardAsync(intent.Id, Random.Shared.Next(2) == 0 ? 100 : null, Delay(), cancellationToken);
        }
    }

    private async Task RefundInDashboardAsync(string paymentIntentId, long? amount, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (await stripe.DashboardRefundAsync(paymentIntentId, amount, cancellationToken) is not { } refund)
        {
            counters.Add("dashboard refund: refused by Stripe");
            return;
        }

        counters.Add(amount is null ? "dashboard refund: full" : "dashboard refund: partial");
        var charge = await stripe.ChargeAsync(refund.Str("charge"), cancellationToken);
        // Stripe sends both; which arrives first is not promised.
        var twice = Random.Shared.Next(100) < 15;
        stripe.Emit("charge.refunded", charge!, delay, twice, world);
        stripe.Emit("refund.created", refund, delay + TimeSpan.FromMilliseconds(Random.Shared.Next(-150, 150)), false, world);
    }
}
