namespace CoffeeShop.Web.Payments;

/// <summary>The answer to a call: a PaymentIntent state, or "unknown" when the provider could not be reached.</summary>
public sealed record GatewayResult(PaymentIntentSnapshot? Intent, string? UnknownReason = null)
{
    public bool OutcomeUnknown => Intent is null;

    public static GatewayResult Known(PaymentIntentSnapshot intent) => new(intent);

    public static GatewayResult Unknown(string reason) => new(null, reason);
}
