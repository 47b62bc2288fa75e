namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// One request as the fake received it. Form keys are kept exactly as sent (<c>metadata[order_id]</c>,
/// <c>expand[0]</c>), header names are lower-case, <see cref="Query"/> is the raw query string without
/// the leading '?'. <see cref="ResponseStatus"/> is what the fake answered (0 while it is still
/// working, 499 when the client went away before an answer, as with <see cref="FakeStripeApi.HangNext"/>).
/// </summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Headers,
    int ResponseStatus)
{
    /// <summary>The Idempotency-Key header, when the request carried one.</summary>
    public string? IdempotencyKey => Headers.GetValueOrDefault("idempotency-key");
}

/// <summary>The card behind a Stripe test PaymentMethod (never a full number: brand and last4 only, as Stripe shows).</summary>
public sealed record FakeCard(string Brand, string Last4, long ExpMonth = 12, long ExpYear = 2034, string Funding = "credit", string Country = "US");

/// <summary>A PaymentIntent's <c>last_payment_error</c>.</summary>
public sealed record FakePaymentError(
    string Type,
    string Code,
    string? DeclineCode,
    string Message,
    string? ChargeId,
    string? PaymentMethodId);

/// <summary>A PaymentIntent's <c>next_action</c>: <c>use_stripe_sdk</c> or <c>redirect_to_url</c>; both point at the fake's 3-D Secure page.</summary>
public sealed record FakeNextAction(string Type, Uri Url, string? ReturnUrl);

/// <summary>
/// A PaymentIntent as the fake holds it: an immutable snapshot, replaced (never mutated) on every
/// change, so tests can read it while the server works. Money is in minor units.
/// </summary>
public sealed record FakePaymentIntent
{
    public required string Id { get; init; }

    public required long Amount { get; init; }

    /// <summary>Lower-case ISO code, as Stripe stores it.</summary>
    public required string Currency { get; init; }

    public required string Status { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public required string ClientSecret { get; init; }

    public required DateTimeOffset Created { get; init; }

    public string? Description { get; init; }

    public string? ReceiptEmail { get; init; }

    public string? ReturnUrl { get; init; }

    public bool AutomaticPaymentMethods { get; init; }

    /// <summary>The <c>ctoken_…</c> (or test <c>pm_…</c>) of the last confirmation.</summary>
    public string? ConfirmationToken { get; init; }

    /// <summary>The attached PaymentMethod; null after a failed attempt, because Stripe detaches it then.</summary>
    public string? PaymentMethodId { get; init; }

    /// <summary>The card of the last confirmation attempt.</summary>
    public FakeCard? Card { get; init; }

    public string? LatestChargeId { get; init; }

    /// <summary>What the latest charge has refunded so far.</summary>
    public long AmountRefunded { get; init; }

    public FakePaymentError? LastPaymentError { get; init; }

    public FakeNextAction? NextAction { get; init; }

    public DateTimeOffset? CanceledAt { get; init; }

    public string? CancellationReason { get; init; }

    /// <summary>Where the goods go, when the create request said (<c>shipping[...]</c>).</summary>
    public FakeShipping? Shipping { get; init; }

    public long AmountReceived => Status == "succeeded" ? Amount : 0;

    public bool Livemode => false;
}

/// <summary>A refund as the fake holds it.</summary>
public sealed record FakeRefund(
    string Id,
    long Amount,
    string Currency,
    string ChargeId,
    string PaymentIntentId,
    string Status,
    string? Reason,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset Created);

/// <summary>A charge: one per confirmation attempt that reached the card network (declines included, as on Stripe).</summary>
internal sealed record FakeCharge(
    string Id,
    string PaymentIntentId,
    long Amount,
    string Currency,
    string Status,
    FakeCard Card,
    string PaymentMethodId,
    DateTimeOffset Created,
    string? FailureCode = null,
    string? DeclineCode = null,
    string? FailureMessage = null,
    long AmountRefunded = 0,
    string? ReceiptEmail = null,
    string? Description = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>A PaymentMethod made from a confirmation token.</summary>
internal sealed record FakePaymentMethod(string Id, FakeCard Card, DateTimeOffset Created);

/// <summary>A PaymentIntent's <c>shipping</c>, as the request gave it (absent fields stay null, as Stripe answers them).</summary>
public sealed record FakeShipping(
    string Name,
    string? Phone,
    string? Carrier,
    string? TrackingNumber,
    string? City,
    string? Country,
    string? Line1,
    string? Line2,
    string? PostalCode,
    string? State);
