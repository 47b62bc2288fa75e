using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>
/// The reconciler may fail an attempt as "never reached Stripe" only after any call made for it has
/// ended: <c>Reconciliation:AbandonAfterMinutes</c> must outlast one Stripe call with all its retries
/// (each retry waits up to Stripe.net's longest back-off), or a charge still on its way could be
/// declared absent and paid for again.
/// </summary>
internal sealed class ReconciliationFitsStripeCalls(IOptions<StripeOptions> stripe) : IValidateOptions<ReconciliationOptions>
{
    /// <summary>Stripe.net's longest wait between two retries.</summary>
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    public static TimeSpan LongestCall(StripeOptions options) =>
        TimeSpan.FromSeconds(options.TimeoutSeconds) * (options.MaxNetworkRetries + 1) + LongestRetryDelay * options.MaxNetworkRetries;

    public ValidateOptionsResult Validate(string? name, ReconciliationOptions options)
    {
        var longest = LongestCall(stripe.Value);
        return TimeSpan.FromMinutes(options.AbandonAfterMinutes) > longest
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Reconciliation:AbandonAfterMinutes ({options.AbandonAfterMinutes}) must be longer than one Stripe call with all its retries "
                + $"({longest.TotalSeconds:0} s from Stripe:TimeoutSeconds and Stripe:MaxNetworkRetries). "
                + "Set it in appsettings or as the environment variable Reconciliation__AbandonAfterMinutes.");
    }
}
