using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

/// <summary>
/// The one seam between the shop and its payment provider. The Stripe gateway is used wherever keys
/// are configured; the simulated one only in Development without keys. Tests keep the Stripe gateway
/// and fake Stripe at the HTTP boundary instead of replacing this interface.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>Creates and confirms a PaymentIntent for one attempt, under the attempt's idempotency key.</summary>
    Task<GatewayResult> CreateAndConfirmAsync(PaymentRequest request, CancellationToken cancellationToken);

    /// <summary>The PaymentIntent as the provider knows it now, or null when it does not exist. Throws <see cref="PaymentProviderException"/>.</summary>
    Task<PaymentIntentSnapshot?> RetrieveAsync(string paymentIntentId, CancellationToken cancellationToken);

    /// <summary>Finds the PaymentIntent made for an attempt whose id the shop never stored (it crashed first).</summary>
    Task<PaymentIntentSnapshot?> FindByAttemptAsync(long orderId, int attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Reads every PaymentIntent created in the window (Stripe's List API, strongly consistent, unlike
    /// Search) and answers the one made for this attempt, or proof that there is none.
    /// </summary>
    Task<CreationWindowSearch> FindInCreationWindowAsync(long orderId, int attempt, DateTimeOffset createdFrom, DateTimeOffset createdUntil, CancellationToken cancellationToken);

    /// <summary>Cancels a PaymentIntent that still waits for the customer; answers its state afterwards.</summary>
    Task<GatewayResult> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Refunds part or all of a PaymentIntent; the shop's refund id is the idempotency key.</summary>
    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>Every refund of a PaymentIntent as the provider knows it now (all pages). Throws <see cref="PaymentProviderException"/>.</summary>
    Task<IReadOnlyList<RefundSnapshot>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken);
}

/// <summary>What a read of a creation window found: the attempt's PaymentIntent, or none after reading the whole window (<see cref="Complete"/>).</summary>
public sealed record CreationWindowSearch(PaymentIntentSnapshot? Found, bool Complete)
{
    public bool ProvesAbsence => Found is null && Complete;
}

public sealed record RefundRequest(Guid RefundId, string PaymentIntentId, long Amount, string? Reason);

/// <summary>A refund Stripe made, a refusal with Stripe's reason, or no answer at all.</summary>
public sealed record RefundResult(RefundSnapshot? Refund, string? Refused, bool OutcomeUnknown)
{
    public static RefundResult Made(RefundSnapshot refund) => new(refund, null, false);

    public static RefundResult Refusal(string message) => new(null, message, false);

    public static RefundResult Unknown() => new(null, null, true);
}

/// <summary>The provider could not be asked (no answer, an error on its side): try again later.</summary>
public sealed class PaymentProviderException(string message, Exception inner) : Exception(message, inner);

public sealed record PaymentRequest(
    long OrderId,
    int Attempt,
    string OrderReference,
    Money Amount,
    string Email,
    string ConfirmationToken,
    string ReturnUrl,
    string IdempotencyKey,
    string Description);

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

/// <summary>The answer to a call: a PaymentIntent state, or "unknown" when the provider could not be reached.</summary>
public sealed record GatewayResult(PaymentIntentSnapshot? Intent, string? UnknownReason = null)
{
    public bool OutcomeUnknown => Intent is null;

    public static GatewayResult Known(PaymentIntentSnapshot intent) => new(intent);

    public static GatewayResult Unknown(string reason) => new(null, reason);
}
