using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments.Simulated;

/// <summary>
/// The Development gateway used when no Stripe keys are configured. It behaves like Stripe for the
/// chosen scenario, including idempotency keys and a 3-D Secure step, and keeps its PaymentIntents
/// in memory: it exists so the shop can be tried without an account, never to take money.
/// </summary>
/// <param name="links">Builds the simulated bank's page address from the app's routes, as Stripe hands back its own.</param>
public sealed class SimulatedPaymentGateway(LinkGenerator links) : IPaymentGateway
{
    /// <summary>The page (by its Razor Pages name) where the simulated bank asks the customer to approve a payment.</summary>
    public const string AuthenticationPage = "/Checkout/SimulatedAuthentication";

    private readonly ConcurrentDictionary<string, PaymentIntentSnapshot> _intents = new();
    private readonly ConcurrentDictionary<string, string> _byIdempotencyKey = new();
    private readonly ConcurrentDictionary<Guid, (string PaymentIntentId, RefundSnapshot Refund)> _refunds = new();
    private readonly Lock _refunding = new();

    public Task<GatewayResult> CreateAndConfirmAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        if (_byIdempotencyKey.TryGetValue(request.IdempotencyKey, out var existingId))
        {
            return Task.FromResult(GatewayResult.Known(_intents[existingId]));
        }

        var scenario = SimulatedScenario.Find(request.ConfirmationToken);
        var id = "pi_sim_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var intent = new PaymentIntentSnapshot(
            id, "requires_payment_method", request.Amount.Minor, request.Amount.Currency,
            request.OrderId.ToString(CultureInfo.InvariantCulture), request.Attempt.ToString(CultureInfo.InvariantCulture),
            CardBrand: "visa", CardLast4: scenario?.TestCard[^4..], ClientSecret: id + "_secret_sim");
        intent = scenario switch
        {
            null => PaymentIntentSnapshot.Rejected(request.Amount, request.OrderId, "resource_missing", "No such confirmation token."),
            { Outcome: "succeeded" } => intent with { ProviderStatus = "succeeded", ChargeId = "ch_sim_" + id[7..] },
            { Outcome: "requires_action" } => intent with
            {
                ProviderStatus = "requires_action",
                RedirectUrl = links.GetPathByPage(AuthenticationPage, values: new { paymentIntent = id })
                    ?? throw new InvalidOperationException($"No page {AuthenticationPage} to send the customer to for 3-D Secure."),
            },
            _ => intent with { FailureCode = scenario.DeclineCode, FailureMessage = scenario.Message },
        };
        if (intent.Id is not null)
        {
            _intents[id] = intent;
            _byIdempotencyKey[request.IdempotencyKey] = id;
        }

        return Task.FromResult(GatewayResult.Known(intent));
    }

    public Task<PaymentIntentSnapshot?> RetrieveAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        Task.FromResult(_intents.GetValueOrDefault(paymentIntentId));

    public Task<PaymentIntentSnapshot?> FindByAttemptAsync(long orderId, int attempt, CancellationToken cancellationToken) =>
        Task.FromResult(_intents.Values.FirstOrDefault(i =>
            i.OrderIdMetadata == orderId.ToString(CultureInfo.InvariantCulture) && i.AttemptMetadata == attempt.ToString(CultureInfo.InvariantCulture)));

    public async Task<CreationWindowSearch> FindInCreationWindowAsync(IReadOnlyCollection<PaymentAttemptKey> attempts, DateTimeOffset createdFrom, DateTimeOffset createdUntil, CancellationToken cancellationToken)
    {
        var found = new Dictionary<PaymentAttemptKey, PaymentIntentSnapshot>();
        foreach (var attempt in attempts)
        {
            if (await FindByAttemptAsync(attempt.OrderId, attempt.Attempt, cancellationToken) is { } intent)
            {
                found[attempt] = intent;
            }
        }

        return new CreationWindowSearch(found, Complete: true);
    }

    public Task<GatewayResult> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (!_intents.TryGetValue(paymentIntentId, out var intent))
        {
            return Task.FromResult(GatewayResult.Unknown("payment_intent_missing"));
        }

        if (intent.Status is PaymentStatus.RequiresAction or PaymentStatus.Pending or PaymentStatus.Failed)
        {
            intent = _intents[paymentIntentId] = intent with { ProviderStatus = "canceled", RedirectUrl = null };
        }

        return Task.FromResult(GatewayResult.Known(intent));
    }

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        lock (_refunding)
        {
            // The shop's refund id is the idempotency key, as with Stripe.
            if (_refunds.TryGetValue(request.RefundId, out var made))
            {
                return Task.FromResult(RefundResult.Made(made.Refund));
            }

            if (!_intents.TryGetValue(request.PaymentIntentId, out var intent) || intent.Status != PaymentStatus.Succeeded)
            {
                return Task.FromResult(RefundResult.Refusal("This PaymentIntent has no successful charge to refund."));
            }

            var refunded = intent.AmountRefunded + request.Amount;
            if (refunded > intent.Amount)
            {
                return Task.FromResult(RefundResult.Refusal("Refund amount is greater than the unrefunded amount on the charge."));
            }

            _intents[request.PaymentIntentId] = intent with { AmountRefunded = refunded };
            var refund = new RefundSnapshot(
                "re_sim_" + request.RefundId.ToString("N")[..24], request.Amount, intent.Currency, "succeeded", request.Reason, request.RefundId);
            _refunds[request.RefundId] = (request.PaymentIntentId, refund);
            return Task.FromResult(RefundResult.Made(refund));
        }
    }

    public Task<IReadOnlyList<RefundSnapshot>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RefundSnapshot>>(_refunds.Values.Where(r => r.PaymentIntentId == paymentIntentId).Select(r => r.Refund).ToList());

    /// <summary>The simulated bank's answer on the 3-D Secure page.</summary>
    public PaymentIntentSnapshot? CompleteAuthentication(string paymentIntentId, bool approve)
    {
        if (!_intents.TryGetValue(paymentIntentId, out var intent) || intent.ProviderStatus != "requires_action")
        {
            return intent;
        }

        return _intents[paymentIntentId] = approve
            ? intent with { ProviderStatus = "succeeded", RedirectUrl = null, ChargeId = "ch_sim_" + paymentIntentId[7..] }
            : intent with
            {
                ProviderStatus = "requires_payment_method",
                RedirectUrl = null,
                FailureCode = "payment_intent_authentication_failure",
                FailureMessage = "The card holder did not complete authentication.",
            };
    }
}
