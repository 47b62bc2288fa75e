using System.Globalization;
using System.Net;
using CoffeeShop.Web.Domain;
using Stripe;

namespace CoffeeShop.Web.Payments.Stripe;

/// <summary>
/// The gateway on Stripe.net. Every call that creates or changes something carries the attempt's
/// idempotency key, so Stripe.net's own retries and a second submit can never charge twice.
/// An answer the shop cannot trust (no answer, 5xx, 409) is reported as "unknown", never as a failure.
/// </summary>
public sealed class StripePaymentGateway(IStripeClient client, ILogger<StripePaymentGateway> logger) : IPaymentGateway
{
    private static readonly List<string> Expand = ["latest_charge"];

    static StripePaymentGateway() => _ = StripeOptionsReflection.TypesHeld;

    private readonly PaymentIntentService _intents = new(client);

    public async Task<GatewayResult> CreateAndConfirmAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = request.Amount.Minor,
            Currency = request.Amount.Currency.ToLowerInvariant(),
            Confirm = true,
            ConfirmationToken = request.ConfirmationToken,
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
            ReturnUrl = request.ReturnUrl,
            ReceiptEmail = request.Email,
            Description = request.Description,
            Metadata = new Dictionary<string, string>
            {
                ["order_id"] = request.OrderId.ToString(CultureInfo.InvariantCulture),
                ["order_reference"] = request.OrderReference,
                ["attempt"] = request.Attempt.ToString(CultureInfo.InvariantCulture),
            },
            Shipping = ShippingFor(request.ShipTo),
            Expand = Expand,
        };
        return await CallAsync(
            () => _intents.CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken),
            request);
    }

    /// <summary>
    /// Stripe's <c>shipping</c> hash: <c>name</c> and <c>address</c> are the required parts; <c>address[country]</c>
    /// is the ISO 3166-1 alpha-2 code. No <c>carrier</c> or <c>tracking_number</c>: the parcel has not left yet.
    /// </summary>
    private static ChargeShippingOptions? ShippingFor(ShippingAddress? address) => address is null
        ? null
        : new ChargeShippingOptions
        {
            Name = address.Name,
            Phone = address.Phone,
            Address = new AddressOptions
            {
                Line1 = address.Line1,
                Line2 = address.Line2,
                PostalCode = address.PostalCode,
                City = address.City,
                Country = address.Country,
            },
        };

    public async Task<PaymentIntentSnapshot?> RetrieveAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        try
        {
            var intent = await _intents.GetAsync(paymentIntentId, new PaymentIntentGetOptions { Expand = Expand }, cancellationToken: cancellationToken);
            return StripeMapping.ToSnapshot(intent);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, cancellationToken))
        {
            throw new PaymentProviderException($"Stripe could not be asked for {paymentIntentId}", ex);
        }
    }

    public async Task<PaymentIntentSnapshot?> FindByAttemptAsync(long orderId, int attempt, CancellationToken cancellationToken)
    {
        StripeSearchResult<PaymentIntent> found;
        try
        {
            found = await _intents.SearchAsync(
                new PaymentIntentSearchOptions { Query = $"metadata['order_id']:'{orderId.ToString(CultureInfo.InvariantCulture)}'", Expand = ["data.latest_charge"] },
                cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, cancellationToken))
        {
            throw new PaymentProviderException($"Stripe could not be searched for order {orderId}", ex);
        }

        var match = found.Data.FirstOrDefault(pi =>
            pi.Metadata.TryGetValue("attempt", out var a) && a == attempt.ToString(CultureInfo.InvariantCulture));
        return match is null ? null : StripeMapping.ToSnapshot(match);
    }

    /// <summary>More PaymentIntents than this in one window is not a window the shop can prove anything about.</summary>
    private const int MaxWindowIntents = 10_000;

    public async Task<CreationWindowSearch> FindInCreationWindowAsync(IReadOnlyCollection<PaymentAttemptKey> attempts, DateTimeOffset createdFrom, DateTimeOffset createdUntil, CancellationToken cancellationToken)
    {
        var wanted = attempts.ToHashSet();
        var found = new Dictionary<PaymentAttemptKey, PaymentIntentSnapshot>();
        var options = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = createdFrom.UtcDateTime, LessThanOrEqual = createdUntil.UtcDateTime },
            Limit = 100,
            Expand = ["data.latest_charge"],
        };
        var read = 0;
        try
        {
            await foreach (var intent in _intents.ListAutoPagingAsync(options, cancellationToken: cancellationToken))
            {
                if (AttemptOf(intent) is { } attempt && wanted.Contains(attempt))
                {
                    found[attempt] = StripeMapping.ToSnapshot(intent);
                    if (found.Count == wanted.Count)
                    {
                        // Every attempt asked about is found: nothing is left to prove absent.
                        return new CreationWindowSearch(found, Complete: true);
                    }
                }

                if (++read >= MaxWindowIntents)
                {
                    return new CreationWindowSearch(found, Complete: false);
                }
            }
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, cancellationToken))
        {
            throw new PaymentProviderException($"Stripe could not list the PaymentIntents created from {createdFrom:O} to {createdUntil:O}", ex);
        }

        return new CreationWindowSearch(found, Complete: true);
    }

    private static PaymentAttemptKey? AttemptOf(PaymentIntent intent) =>
        intent.Metadata is { } metadata
        && long.TryParse(metadata.GetValueOrDefault("order_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)
        && int.TryParse(metadata.GetValueOrDefault("attempt"), NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            ? new PaymentAttemptKey(orderId, attempt)
            : null;

    public async Task<GatewayResult> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var intent = await _intents.CancelAsync(paymentIntentId, new PaymentIntentCancelOptions { Expand = Expand },
                new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);
            return GatewayResult.Known(StripeMapping.ToSnapshot(intent));
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest)
        {
            // Not cancelable any more (it succeeded or failed meanwhile): what it is now is the answer.
            var now = await RetrieveAsync(paymentIntentId, cancellationToken);
            return now is null ? GatewayResult.Unknown("payment_intent_missing") : GatewayResult.Known(now);
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, cancellationToken))
        {
            logger.LogWarning(ex, "Cancel of PaymentIntent {PaymentIntentId} has no known outcome", paymentIntentId);
            return GatewayResult.Unknown(ex.GetType().Name);
        }
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        var options = new RefundCreateOptions
        {
            PaymentIntent = request.PaymentIntentId,
            Amount = request.Amount,
            Reason = request.Reason,
            Metadata = new Dictionary<string, string> { ["refund_id"] = request.RefundId.ToString() },
        };
        try
        {
            var refund = await new RefundService(client).CreateAsync(options,
                new RequestOptions { IdempotencyKey = request.RefundId.ToString() }, cancellationToken);
            return RefundResult.Made(StripeMapping.ToSnapshot(refund));
        }
        catch (StripeException ex) when (ex.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.PaymentRequired or HttpStatusCode.NotFound
            && ex.StripeError?.Type is "invalid_request_error" or "card_error")
        {
            return RefundResult.Refusal(ex.StripeError.Message ?? ex.StripeError.Code ?? "Stripe refused the refund.");
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, cancellationToken))
        {
            logger.LogWarning(ex, "Refund {RefundId} of {PaymentIntentId} has no known outcome", request.RefundId, request.PaymentIntentId);
            return RefundResult.Unknown();
        }
    }

    public async Task<IReadOnlyList<RefundSnapshot>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        var refunds = new List<RefundSnapshot>();
        try
        {
            // Stripe.net follows has_more with starting_after, a page of up to 100 at a time.
            var options = new RefundListOptions { PaymentIntent = paymentIntentId, Limit = 100 };
            await foreach (var refund in new RefundService(client).ListAutoPagingAsync(options, cancellationToken: cancellationToken))
            {
                refunds.Add(StripeMapping.ToSnapshot(refund));
            }
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, cancellationToken))
        {
            throw new PaymentProviderException($"Stripe could not list the refunds of {paymentIntentId}", ex);
        }

        return refunds;
    }

    private async Task<GatewayResult> CallAsync(Func<Task<PaymentIntent>> call, PaymentRequest request)
    {
        try
        {
            return GatewayResult.Known(StripeMapping.ToSnapshot(await call()));
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "card_error")
        {
            // Stripe keeps the PaymentIntent of a declined card; its id ties the failure to the attempt.
            var code = ex.StripeError.DeclineCode ?? ex.StripeError.Code ?? "card_declined";
            var intent = ex.StripeError.PaymentIntent is { } pi
                ? StripeMapping.ToSnapshot(pi) with { FailureCode = code, FailureMessage = ex.StripeError.Message }
                : PaymentIntentSnapshot.Rejected(request.Amount, request.OrderId, code, ex.StripeError.Message ?? "card declined");
            return GatewayResult.Known(intent);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.BadRequest
            && ex.StripeError?.Type == "invalid_request_error")
        {
            // Stripe refused the request itself (e.g. an unusable confirmation token): nothing was charged.
            logger.LogWarning("Stripe refused PaymentIntent for order {OrderId}: {Code} {Param}", request.OrderId, ex.StripeError.Code, ex.StripeError.Param);
            return GatewayResult.Known(PaymentIntentSnapshot.Rejected(request.Amount, request.OrderId,
                ex.StripeError.Code ?? "invalid_request", ex.StripeError.Message ?? "invalid request"));
        }
        catch (Exception ex) when (IsUnknownOutcome(ex, CancellationToken.None))
        {
            logger.LogWarning(ex, "PaymentIntent for order {OrderId} has no known outcome; the record stays Pending for reconciliation", request.OrderId);
            return GatewayResult.Unknown(ex is StripeException se ? $"stripe {(int)se.HttpStatusCode} {se.StripeError?.Type}" : ex.GetType().Name);
        }
    }

    /// <summary>No answer, a server error, a conflict or an idempotency error: the charge may or may not exist.</summary>
    private static bool IsUnknownOutcome(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        StripeException => true,
        HttpRequestException or OperationCanceledException or IOException => true,
        _ => false,
    };
}
