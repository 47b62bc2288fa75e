using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <summary>A refund Stripe made, a refusal with Stripe's reason, or no answer at all.</summary>
public sealed record RefundResult(RefundSnapshot? Refund, string? Refused, bool OutcomeUnknown)
{
    public static RefundResult Made(RefundSnapshot refund) => new(refund, null, false);

    public static RefundResult Refusal(string message) => new(null, message, false);

    public static RefundResult Unknown() => new(null, null, true);
}
