using System.Text.Json.Nodes;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// Stripe's error answers (status, type, code, message as Stripe words them), so Stripe.net builds
/// the same <c>StripeException</c> it would from Stripe.
/// </summary>
internal static class StripeErrors
{
    public static ApiResult InvalidRequest(string requestId, int status, string message, string? code = null, string? param = null, JsonObject? paymentIntent = null) =>
        new(status, Body(requestId, "invalid_request_error", message, code, param, paymentIntent: paymentIntent), Replayable: false, requestId);

    public static ApiResult FromLedger(string requestId, LedgerError error, FakeStripeLedger ledger) =>
        InvalidRequest(requestId, error.Status, error.Message, error.Code, error.Param,
            error.Intent is null ? null : StripeJson.PaymentIntent(error.Intent, ledger));

    /// <summary>
    /// A declined card: 402 with the PaymentIntent Stripe created anyway. Saved under the
    /// idempotency key (the endpoint ran), so a retry replays the decline instead of charging again.
    /// </summary>
    public static ApiResult CardDeclined(string requestId, FakePaymentIntent intent, FakeStripeLedger ledger)
    {
        var error = intent.LastPaymentError!;
        var paymentMethod = error.PaymentMethodId is null ? null : ledger.FindPaymentMethod(error.PaymentMethodId);
        return new ApiResult(402, StripeJson.Serialize(StripeJson.Error(
            requestId,
            DateTimeOffset.UtcNow,
            error.Type,
            error.Message,
            error.Code,
            declineCode: error.DeclineCode,
            chargeId: error.ChargeId,
            paymentIntent: StripeJson.PaymentIntent(intent, ledger),
            paymentMethod: paymentMethod is null ? null : StripeJson.PaymentMethod(paymentMethod))), Replayable: true, requestId);
    }

    /// <summary>
    /// What <see cref="FakeStripeApi.FailBeforeApiNext"/> answers: an error from in front of the API.
    /// Not saved under the key and without <c>Stripe-Should-Retry</c>, so Stripe.net retries a 5xx
    /// (its rule for any status of 500 or more) and the retry runs afresh.
    /// </summary>
    public static ApiResult Outage(string requestId, int status) =>
        new(status, ErrorBody(requestId, status), Replayable: false, requestId);

    /// <summary>
    /// What <see cref="FakeStripeApi.FailNext"/> answers: the endpoint started and failed. Stripe saves
    /// a 5xx under the idempotency key and replays it, and says <c>Stripe-Should-Retry: false</c>
    /// because a retry would only meet the replay (Stripe.net's <c>ShouldRetry</c> defers to that header).
    /// </summary>
    public static ApiResult EndpointFailed(string requestId, int status) =>
        new(status, ErrorBody(requestId, status), Replayable: status >= 500, requestId)
        {
            Headers = status >= 500 ? new Dictionary<string, string> { ["Stripe-Should-Retry"] = "false" } : new Dictionary<string, string>(),
        };

    private static string ErrorBody(string requestId, int status) => status == 429
        ? Body(requestId, "invalid_request_error", "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit")
        : Body(requestId, "api_error", "An unknown error occurred while processing your request. Please try again later.");

    public static ApiResult Unauthorized(string requestId, string? presentedKey)
    {
        var message = string.IsNullOrEmpty(presentedKey)
            ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."
            : $"Invalid API Key provided: {Redact(presentedKey)}";
        return new ApiResult(401, Body(requestId, "invalid_request_error", message), Replayable: false, requestId)
        {
            Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"Stripe\"" },
        };
    }

    public static ApiResult UnrecognizedUrl(ApiRequest request) => InvalidRequest(request.RequestId, 404,
        $"Unrecognized request URL ({request.Method}: {request.Path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");

    public static ApiResult IdempotencyMismatch(string requestId, string key) => new(400, Body(requestId, "idempotency_error",
        "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
        $"Try using a key other than '{key}' if you meant to execute a different request."), Replayable: false, requestId);

    public static ApiResult IdempotencyInFlight(string requestId, string key) => new(409, Body(requestId, "idempotency_error",
        "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, " +
        $"and the other request is still going through): {key}. Please try again later."), Replayable: false, requestId);

    public static ApiResult Internal(string requestId) => Outage(requestId, 500);

    private static string Body(string requestId, string type, string message, string? code = null, string? param = null, JsonObject? paymentIntent = null) =>
        StripeJson.Serialize(StripeJson.Error(requestId, DateTimeOffset.UtcNow, type, message, code, param, paymentIntent: paymentIntent));

    private static string Redact(string key) => key.Length <= 12 ? "****" : $"{key[..8]}****{key[^4..]}";
}
