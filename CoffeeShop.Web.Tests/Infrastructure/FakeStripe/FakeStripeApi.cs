using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stripe;

namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// A fake Stripe API on a real port (Kestrel, 127.0.0.1, random port). The shop's Stripe.net client
/// is pointed at it with <c>StripeClientOptions.ApiBase</c>, so the real Stripe.net code path runs:
/// form encoding, headers, retries, idempotency keys, JSON deserialization and error mapping.
/// It answers like Stripe for PaymentIntents (create/confirm with test confirmation tokens,
/// retrieve, cancel, list, search), refunds and charges, serves a stand-in 3-D Secure page, and lets
/// tests inject failures inside the API (saved and replayed under the key), outages in front of it, hangs and latency. Confirmation tokens: see <see cref="ConfirmationTokens"/>.
/// </summary>
public sealed class FakeStripeApi : IAsyncDisposable
{
    /// <summary>Any <c>sk_test_</c> key is accepted; anything else answers 401 as Stripe does.</summary>
    public const string SecretKey = "sk_test_fake_coffeeshop";

    public const string PublishableKey = "pk_test_fake_coffeeshop";

    public const string WebhookSecret = "whsec_fake_coffeeshop";

    private readonly WebApplication _app;
    private readonly FakeStripeLedger _ledger;
    private readonly IdempotencyStore _idempotency = new();
    private readonly FaultPlan _faults = new();
    private readonly RequestJournal _journal = new();

    private FakeStripeApi(WebApplication app)
    {
        _app = app;
        _ledger = new FakeStripeLedger(TimeProvider.System, id => new Uri(BaseAddress, $"3ds/{id}"));
        var pipeline = new RequestPipeline(
            new FakeStripeRoutes(_ledger),
            new ThreeDSecurePage(_ledger),
            _idempotency,
            _faults,
            _journal,
            app.Lifetime.ApplicationStopping);
        app.Run(pipeline.HandleAsync);
    }

    /// <summary>Where the fake listens, e.g. <c>http://127.0.0.1:43123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _journal.Snapshot();

    /// <summary>Whether a request with this Idempotency-Key has claimed it and not yet answered.</summary>
    public bool IsInFlight(string idempotencyKey) => _idempotency.IsInFlight(idempotencyKey);

    /// <summary>
    /// How long Stripe "works" on each request before answering (default zero). An idempotency key
    /// stays in flight meanwhile, and the work is done even when the client gives up first.
    /// </summary>
    public TimeSpan Latency
    {
        get => _faults.Latency;
        set => _faults.Latency = value;
    }

    /// <summary>A lasting outage in front of the API until set back to <see cref="StripeOutage.None"/> (<see cref="Reset"/> clears it too).</summary>
    public StripeOutage Outage
    {
        get => _faults.Outage;
        set => _faults.Outage = value;
    }

    /// <summary>
    /// How long a PaymentIntent stays out of search results after it is created or changed (default
    /// zero). Stripe's search is eventually consistent, so code must not search for what it just
    /// wrote; list and retrieve see every change at once, here as on Stripe.
    /// </summary>
    public TimeSpan SearchLag
    {
        get => _ledger.SearchLag;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _ledger.SearchLag = value;
        }
    }

    /// <summary>PaymentIntents, newest first (by creation time, then id, as Stripe lists them).</summary>
    public IReadOnlyCollection<FakePaymentIntent> PaymentIntents => _ledger.Intents;

    /// <summary>Refunds, oldest first.</summary>
    public IReadOnlyCollection<FakeRefund> Refunds => _ledger.Refunds;

    public static async Task<FakeStripeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The fake must not pick up the shop's appsettings, ASPNETCORE_URLS or logging from the test process.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

        var fake = new FakeStripeApi(builder.Build());
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.BaseAddress = new Uri(address);
        return fake;
    }

    /// <summary>
    /// The next <paramref name="count"/> API requests that reach an endpoint fail inside it with
    /// <paramref name="statusCode"/> (<c>api_error</c>; 429 is Stripe's rate limit), as Stripe's own 500s
    /// do: the endpoint started, so a 5xx is saved under the idempotency key with
    /// <c>Stripe-Should-Retry: false</c>, and every later request with that key and the same parameters
    /// gets the same answer with <c>Idempotent-Replayed: true</c>: nothing runs again. A 4xx is not saved.
    /// For a failure that a retry under the same key gets past, use <see cref="FailBeforeApiNext"/>.
    /// </summary>
    public void FailNext(int count, int statusCode = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        _faults.Add(count, new Fault(Hangs: false, statusCode, FaultStage.InEndpoint));
    }

    /// <summary>
    /// The next <paramref name="count"/> API requests fail in front of Stripe's API (a load balancer or
    /// network error answering <paramref name="statusCode"/>): nothing ran and nothing is saved under
    /// the key, so Stripe.net retries a 5xx with the same key and the retry runs afresh.
    /// </summary>
    public void FailBeforeApiNext(int count, int statusCode = 503)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        _faults.Add(count, new Fault(Hangs: false, statusCode, FaultStage.BeforeApi));
    }

    /// <summary>The next <paramref name="count"/> API requests never answer (until the client gives up; at most 5 minutes).</summary>
    public void HangNext(int count) => _faults.Add(count, new Fault(Hangs: true, 0, FaultStage.BeforeApi));

    public FakePaymentIntent? FindPaymentIntent(string id) => _ledger.FindIntent(id);

    /// <summary>
    /// Moves a PaymentIntent as if something happened outside the API (a processing payment settles,
    /// fails later, is canceled). <c>succeeded</c> makes the charge; <c>requires_payment_method</c>
    /// sets a generic decline as last_payment_error when there is none.
    /// </summary>
    public void SetPaymentIntentStatus(string id, string status) => _ledger.SetStatus(id, status);

    /// <summary>
    /// A PaymentIntent that exists on "Stripe" without the shop having seen the answer (it crashed first).
    /// <paramref name="created"/> places it in time (default now): its <c>created</c>, its charge's, and
    /// for <see cref="SearchLag"/> the moment it reached <paramref name="status"/>.
    /// </summary>
    public FakePaymentIntent CreatePaymentIntentDirectly(
        long amount, string currency, IDictionary<string, string> metadata, string status = "succeeded", DateTimeOffset? created = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        ArgumentNullException.ThrowIfNull(metadata);
        var draft = new PaymentIntentDraft(amount, currency.ToLowerInvariant(), new Dictionary<string, string>(metadata, StringComparer.Ordinal), AutomaticPaymentMethods: true);
        return _ledger.CreateDirectly(draft, status, created);
    }

    /// <summary>
    /// A refund made outside the shop (in the Stripe Dashboard): the whole remainder, or <paramref name="amount"/>.
    /// The shop learns of it only from the events the caller then delivers.
    /// </summary>
    public FakeRefund RefundDirectly(string paymentIntentId, long? amount = null)
    {
        var outcome = _ledger.Refund(paymentIntentId, null, amount, "requested_by_customer", new Dictionary<string, string>(StringComparer.Ordinal));
        return outcome.Value ?? throw new InvalidOperationException(outcome.Error!.Message);
    }

    /// <summary>The id of the PaymentIntent's latest charge, or null.</summary>
    public string? LatestChargeId(string paymentIntentId) => _ledger.FindIntent(paymentIntentId)?.LatestChargeId;

    /// <summary>
    /// The customer finishes 3-D Secure (<c>succeeded</c>) or fails it (<c>requires_payment_method</c>
    /// with <c>payment_intent_authentication_failure</c>). The PaymentIntent must be <c>requires_action</c>.
    /// </summary>
    public FakePaymentIntent CompleteAuthentication(string paymentIntentId, bool succeed) =>
        _ledger.CompleteAuthentication(paymentIntentId, succeed)
        ?? throw new InvalidOperationException($"PaymentIntent {paymentIntentId} does not exist or is not waiting for authentication (requires_action).");

    /// <summary>The PaymentIntent's JSON as <c>GET /v1/payment_intents/{id}</c> answers it (no expansions), e.g. for <see cref="SignedEvent"/>.</summary>
    public string PaymentIntentJson(string id) =>
        StripeJson.Serialize(StripeJson.PaymentIntent(_ledger.FindIntent(id) ?? throw new KeyNotFoundException($"No fake PaymentIntent {id}."), _ledger));

    /// <summary>The charge's JSON as <c>GET /v1/charges/{id}</c> answers it, e.g. for <c>charge.refunded</c> events.</summary>
    public string ChargeJson(string id) =>
        StripeJson.Serialize(StripeJson.Charge(_ledger.FindCharge(id) ?? throw new KeyNotFoundException($"No fake charge {id}.")));

    /// <summary>The refund's JSON as <c>GET /v1/refunds/{id}</c> answers it, e.g. for <c>refund.created</c> events.</summary>
    public string RefundJson(string id) =>
        StripeJson.Serialize(StripeJson.Refund(_ledger.FindRefund(id) ?? throw new KeyNotFoundException($"No fake refund {id}."), _ledger));

    /// <summary>
    /// A webhook delivery: the Event JSON around <paramref name="objectJson"/> and its
    /// <c>Stripe-Signature</c> header, signed with <see cref="WebhookSecret"/> at <paramref name="signedAt"/>
    /// (default now; pass an old time for a stale signature). The api_version defaults to Stripe.net's,
    /// which <c>EventUtility.ConstructEvent</c> insists on.
    /// </summary>
    public (string Payload, string SignatureHeader) SignedEvent(
        string type,
        string objectJson,
        string? eventId = null,
        string? apiVersion = null,
        DateTimeOffset? signedAt = null)
    {
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var payload = StripeJson.Event(eventId ?? StripeIds.New("evt"), type, objectJson, apiVersion ?? StripeConfiguration.ApiVersion, timestamp);
        return (payload, EventUtility.GenerateSignatureHeader(payload, WebhookSecret, timestamp));
    }

    /// <summary>Forgets everything (objects, idempotency keys, requests) and clears the knobs, between tests.</summary>
    public void Reset()
    {
        _faults.Clear();
        _idempotency.Clear();
        _ledger.Clear();
        _ledger.SearchLag = TimeSpan.Zero;
        _journal.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
