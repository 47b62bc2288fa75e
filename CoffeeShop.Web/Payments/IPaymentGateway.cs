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
    /// Search) and answers the ones made for these attempts; a complete read proves the others absent.
    /// </summary>
    Task<CreationWindowSearch> FindInCreationWindowAsync(IReadOnlyCollection<PaymentAttemptKey> attempts, DateTimeOffset createdFrom, DateTimeOffset createdUntil, CancellationToken cancellationToken);

    /// <summary>Cancels a PaymentIntent that still waits for the customer; answers its state afterwards.</summary>
    Task<GatewayResult> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Refunds part or all of a PaymentIntent; the shop's refund id is the idempotency key.</summary>
    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>Every refund of a PaymentIntent as the provider knows it now (all pages). Throws <see cref="PaymentProviderException"/>.</summary>
    Task<IReadOnlyList<RefundSnapshot>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken);
}
