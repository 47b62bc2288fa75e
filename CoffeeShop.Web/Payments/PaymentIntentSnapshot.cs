using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <summary>What the provider said of a PaymentIntent, in the shop's terms.</summary>
public sealed record PaymentIntentSnapshot(
    string? Id,
    string ProviderStatus,
    long Amount,
    string Currency,
    string? OrderIdMetadata,
    string? AttemptMetadata,
    string? ChargeId = null,
    string? CardBrand = null,
    string? CardLast4 = null,
    string? FailureCode = null,
    string? FailureMessage = null,
    string? RedirectUrl = null,
    string? ClientSecret = null,
    bool Livemode = false,
    long AmountRefunded = 0)
{
    /// <summary>Stripe waits for the customer (3-D Secure, a confirmation, a new payment method): the attempt may still succeed, and can be canceled.</summary>
    public bool WaitsForCustomer => ProviderStatus is "requires_action" or "requires_confirmation" || ProviderStatus == "requires_payment_method" && FailureCode is null;

    /// <summary>The shop's status for what Stripe reports.</summary>
    public PaymentStatus Status => ProviderStatus switch
    {
        "succeeded" => PaymentStatus.Succeeded,
        "processing" or "requires_capture" => PaymentStatus.Processing,
        "requires_action" => PaymentStatus.RequiresAction,
        "canceled" => PaymentStatus.Canceled,
        "requires_payment_method" when FailureCode is not null => PaymentStatus.Failed,
        "failed" => PaymentStatus.Failed,
        _ => PaymentStatus.Pending,
    };

    /// <summary>The provider refused the attempt before any PaymentIntent existed (e.g. an unusable token).</summary>
    public static PaymentIntentSnapshot Rejected(Money amount, long orderId, string code, string message) =>
        new(null, "failed", amount.Minor, amount.Currency, orderId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, FailureCode: code, FailureMessage: message);
}
