using CoffeeShop.Web.Payments.Stripe;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Payments;

/// <summary>Stripe when keys are configured; simulated only in Development without keys (start-up refuses anything else).</summary>
public sealed class PaymentMode(IOptions<StripeOptions> options)
{
    public bool IsSimulated => !options.Value.HasKeys;

    public string? PublishableKey => options.Value.PublishableKey;
}
