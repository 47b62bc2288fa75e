using Stripe;

namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>
/// Stripe's objects as the shop reads them, for the gateway's answers and the webhook's events alike:
/// one home, so both see a PaymentIntent or a refund the same way.
/// </summary>
internal static class StripeMapping
{
    public static PaymentIntentSnapshot ToSnapshot(PaymentIntent intent)
    {
        var card = intent.LatestCharge?.PaymentMethodDetails?.Card;
        var error = intent.LastPaymentError;
        return new PaymentIntentSnapshot(
            intent.Id,
            intent.Status,
            intent.Amount,
            intent.Currency?.ToUpperInvariant() ?? "",
            intent.Metadata?.GetValueOrDefault("order_id"),
            intent.Metadata?.GetValueOrDefault("attempt"),
            ChargeId: intent.LatestChargeId,
            CardBrand: card?.Brand ?? error?.PaymentMethod?.Card?.Brand,
            CardLast4: card?.Last4 ?? error?.PaymentMethod?.Card?.Last4,
            FailureCode: error is null ? null : error.DeclineCode ?? error.Code,
            FailureMessage: error?.Message,
            RedirectUrl: intent.NextAction?.RedirectToUrl?.Url,
            ClientSecret: intent.ClientSecret,
            Livemode: intent.Livemode,
            AmountRefunded: intent.LatestCharge?.AmountRefunded ?? 0);
    }

    public static RefundSnapshot ToSnapshot(global::Stripe.Refund refund) => new(
        refund.Id, refund.Amount, refund.Currency ?? "", refund.Status ?? "pending", refund.Reason,
        refund.Metadata?.GetValueOrDefault("refund_id") is { } shopId && Guid.TryParse(shopId, out var id) ? id : null,
        refund.FailureReason);
}
