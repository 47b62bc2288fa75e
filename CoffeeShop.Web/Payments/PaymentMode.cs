namespace CoffeeShop.Web.Payments;

/// <summary>
/// Which gateway takes the shop's payments: Stripe when keys are configured; simulated only in Development
/// without keys (start-up refuses anything else). Built by the Stripe registration from its settings.
/// </summary>
public sealed record PaymentMode(bool IsSimulated, string? PublishableKey)
{
    /// <summary>The key each <see cref="IPaymentGateway"/> implementation registers itself under.</summary>
    public const string StripeGateway = "stripe";

    /// <inheritdoc cref="StripeGateway"/>
    public const string SimulatedGateway = "simulated";

    public string Gateway => IsSimulated ? SimulatedGateway : StripeGateway;
}
