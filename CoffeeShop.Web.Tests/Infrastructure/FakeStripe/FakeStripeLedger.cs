namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>Fields of a new PaymentIntent, already validated by the endpoint.</summary>
internal sealed record PaymentIntentDraft(
    long Amount,
    string Currency,
    IReadOnlyDictionary<string, string> Metadata,
    string? Description = null,
    string? ReceiptEmail = null,
    string? ReturnUrl = null,
    bool AutomaticPaymentMethods = false,
    FakeShipping? Shipping = null);

/// <summary>A request the ledger refused (always an <c>invalid_request_error</c> on Stripe).</summary>
internal sealed record LedgerError(int Status, string Message, string? Code, string? Param, FakePaymentIntent? Intent = null);

internal readonly record struct Outcome<T>(T? Value, LedgerError? Error)
    where T : class;

internal static class Outcome
{
    public static Outcome<T> Ok<T>(T value)
        where T : class => new(value, null);

    public static Outcome<T> Fail<T>(LedgerError error)
        where T : class => new(null, error);
}

/// <summary>
/// Everything the fake Stripe account holds: PaymentIntents, charges, PaymentMethods, refunds.
/// One lock guards all of it, so each API call (check state, then change it) is atomic, as on Stripe.
/// Objects are immutable records, replaced on change, so snapshots handed out never move.
/// </summary>
internal sealed class FakeStripeLedger(TimeProvider time, Func<string, Uri> authenticationPage)
{
    private static readonly string[] CancelableStatuses =
        ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];

    private static readonly string[] ConfirmableStatuses =
        ["requires_payment_method", "requires_confirmation", "requires_action"];

    private static readonly string[] KnownStatuses =
        ["requires_payment_method", "requires_confirmation", "requires_action", "processing", "requires_capture", "canceled", "succeeded"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakePaymentIntent> _intents = new(StringComparer.Ordinal);

    /// <summary>When each PaymentIntent was last written: what Stripe's search index lags behind.</summary>
    private readonly Dictionary<string, DateTimeOffset> _intentChangedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeCharge> _charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakePaymentMethod> _paymentMethods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeRefund> _refunds = new(StringComparer.Ordinal);
    private readonly List<string> _refundOrder = [];

    /// <summary>
    /// How long a written PaymentIntent stays out of search results (Stripe's search index is
    /// eventually consistent). List and retrieve never lag.
    /// </summary>
    public TimeSpan SearchLag { get; set; }

    /// <summary>PaymentIntents, newest first (Stripe's list and search order): by creation time, then id.</summary>
    public IReadOnlyList<FakePaymentIntent> Intents
    {
        get
        {
            lock (_gate)
            {
                return NewestFirst(_intents.Values);
            }
        }
    }

    /// <summary>What search sees: PaymentIntents not written within the last <see cref="SearchLag"/>, newest first.</summary>
    public IReadOnlyList<FakePaymentIntent> SearchableIntents
    {
        get
        {
            lock (_gate)
            {
                var indexedUntil = time.GetUtcNow() - SearchLag;
                return NewestFirst(_intents.Values.Where(intent => _intentChangedAt[intent.Id] <= indexedUntil));
            }
        }
    }

    /// <summary>Stripe's list order: newest first, ties (same creation time) by id, descending.</summary>
    public static int CompareNewestFirst(FakePaymentIntent x, FakePaymentIntent y)
    {
        var byCreated = y.Created.CompareTo(x.Created);
        return byCreated != 0 ? byCreated : string.CompareOrdinal(y.Id, x.Id);
    }

    public IReadOnlyList<FakeRefund> Refunds
    {
        get
        {
            lock (_gate)
            {
                return _refundOrder.Select(id => _refunds[id]).ToList();
            }
        }
    }

    public FakePaymentIntent? FindIntent(string id)
    {
        lock (_gate)
        {
            return _intents.GetValueOrDefault(id);
        }
    }

    public FakeCharge? FindCharge(string id)
    {
        lock (_gate)
        {
            return _charges.GetValueOrDefault(id);
        }
    }

    public FakePaymentMethod? FindPaymentMethod(string id)
    {
        lock (_gate)
        {
            return _paymentMethods.GetValueOrDefault(id);
        }
    }

    public FakeRefund? FindRefund(string id)
    {
        lock (_gate)
        {
            return _refunds.GetValueOrDefault(id);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _intents.Clear();
            _intentChangedAt.Clear();
            _charges.Clear();
            _paymentMethods.Clear();
            _refunds.Clear();
            _refundOrder.Clear();
        }
    }

    /// <summary>Creates a PaymentIntent, confirming it in the same step when a payment method is given (<c>confirm=true</c>).</summary>
    public FakePaymentIntent Create(PaymentIntentDraft draft, TestPaymentMethod? confirmWith = null, string? token = null)
    {
        lock (_gate)
        {
            var id = StripeIds.New("pi");
            var intent = new FakePaymentIntent
            {
                Id = id,
                Amount = draft.Amount,
                Currency = draft.Currency,
                Status = "requires_payment_method",
                Metadata = draft.Metadata,
                ClientSecret = StripeIds.ClientSecret(id),
                Created = time.GetUtcNow(),
                Description = draft.Description,
                ReceiptEmail = draft.ReceiptEmail,
                ReturnUrl = draft.ReturnUrl,
                AutomaticPaymentMethods = draft.AutomaticPaymentMethods,
                Shipping = draft.Shipping,
            };
            if (confirmWith is not null)
            {
                intent = ApplyConfirmation(intent, confirmWith, token ?? confirmWith.Name, draft.ReturnUrl);
            }

            return Save(intent);
        }
    }

    public Outcome<FakePaymentIntent> Confirm(string id, TestPaymentMethod method, string token, string? returnUrl)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent))
            {
                return Outcome.Fail<FakePaymentIntent>(MissingIntent(id, "intent"));
            }

            if (!ConfirmableStatuses.Contains(intent.Status))
            {
                return Outcome.Fail<FakePaymentIntent>(new LedgerError(400,
                    $"You cannot confirm this PaymentIntent because it has a status of {intent.Status}. " +
                    "Only a PaymentIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.",
                    "payment_intent_unexpected_state", null, intent));
            }

            return Outcome.Ok(Save(ApplyConfirmation(intent, method, token, returnUrl ?? intent.ReturnUrl)));
        }
    }

    public Outcome<FakePaymentIntent> Cancel(string id, string? reason)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent))
            {
                return Outcome.Fail<FakePaymentIntent>(MissingIntent(id, "intent"));
            }

            if (!CancelableStatuses.Contains(intent.Status))
            {
                return Outcome.Fail<FakePaymentIntent>(new LedgerError(400,
                    $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. " +
                    "Only a PaymentIntent with one of the following statuses may be canceled: " + string.Join(", ", CancelableStatuses) + ".",
                    "payment_intent_unexpected_state", null, intent));
            }

            return Outcome.Ok(Save(intent with
            {
                Status = "canceled",
                CanceledAt = time.GetUtcNow(),
                CancellationReason = reason,
                NextAction = null,
            }));
        }
    }

    public Outcome<FakeRefund> Refund(string? paymentIntentId, string? chargeId, long? amount, string? reason, IReadOnlyDictionary<string, string> metadata)
    {
        lock (_gate)
        {
            FakeCharge? charge = null;
            if (paymentIntentId is not null)
            {
                if (!_intents.TryGetValue(paymentIntentId, out var intent))
                {
                    return Outcome.Fail<FakeRefund>(MissingIntent(paymentIntentId, "payment_intent"));
                }

                if (intent.Status != "succeeded" || intent.LatestChargeId is null)
                {
                    return Outcome.Fail<FakeRefund>(new LedgerError(400,
                        $"This PaymentIntent ({intent.Id}) does not have a successful charge to refund.", "charge_not_refundable", "payment_intent"));
                }

                charge = _charges[intent.LatestChargeId];
            }

            if (chargeId is not null)
            {
                if (!_charges.TryGetValue(chargeId, out var byId))
                {
                    return Outcome.Fail<FakeRefund>(new LedgerError(404, $"No such charge: '{chargeId}'", "resource_missing", "charge"));
                }

                if (charge is not null && charge.Id != byId.Id)
                {
                    return Outcome.Fail<FakeRefund>(new LedgerError(400,
                        $"The charge {chargeId} does not belong to the PaymentIntent {paymentIntentId}.", "parameter_invalid_string", "charge"));
                }

                charge = byId;
            }

            if (charge is null)
            {
                return Outcome.Fail<FakeRefund>(new LedgerError(400,
                    "One of the following params should be provided for this request: payment_intent or charge.", "parameter_missing", null));
            }

            if (charge.Status != "succeeded")
            {
                return Outcome.Fail<FakeRefund>(new LedgerError(400,
                    $"Charge {charge.Id} has a status of {charge.Status} and cannot be refunded.", "charge_not_refundable", null));
            }

            var remaining = charge.Amount - charge.AmountRefunded;
            if (remaining == 0)
            {
                return Outcome.Fail<FakeRefund>(new LedgerError(400, $"Charge {charge.Id} has already been refunded.", "charge_already_refunded", null));
            }

            var refundAmount = amount ?? remaining;
            if (refundAmount > remaining)
            {
                return Outcome.Fail<FakeRefund>(new LedgerError(400,
                    $"Refund amount ({refundAmount} {charge.Currency} minor units) is greater than unrefunded amount on charge ({remaining} {charge.Currency} minor units)",
                    "amount_too_large", "amount"));
            }

            var refund = new FakeRefund(StripeIds.New("re"), refundAmount, charge.Currency, charge.Id, charge.PaymentIntentId,
                "succeeded", reason, metadata, time.GetUtcNow());
            _refunds[refund.Id] = refund;
            _refundOrder.Add(refund.Id);
            var refunded = _charges[charge.Id] = charge with { AmountRefunded = charge.AmountRefunded + refundAmount };
            if (_intents.TryGetValue(charge.PaymentIntentId, out var owner) && owner.LatestChargeId == charge.Id)
            {
                Save(owner with { AmountRefunded = refunded.AmountRefunded });
            }

            return Outcome.Ok(refund);
        }
    }

    /// <summary>Moves a PaymentIntent as Stripe would when something happens outside the API (a bank settles, a payment fails later).</summary>
    public FakePaymentIntent SetStatus(string id, string status)
    {
        if (!KnownStatuses.Contains(status))
        {
            throw new ArgumentException($"Unknown PaymentIntent status '{status}'. Known: {string.Join(", ", KnownStatuses)}.", nameof(status));
        }

        lock (_gate)
        {
            var intent = _intents.GetValueOrDefault(id) ?? throw new KeyNotFoundException($"No fake PaymentIntent {id}.");
            return Save(MoveTo(intent, status));
        }
    }

    /// <summary>The customer finishes (or fails) 3-D Secure; null when the PaymentIntent was not waiting for it.</summary>
    public FakePaymentIntent? CompleteAuthentication(string id, bool succeed)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent) || intent.Status != "requires_action")
            {
                return null;
            }

            if (succeed)
            {
                return Save(MoveTo(intent, "succeeded"));
            }

            return Save(intent with
            {
                Status = "requires_payment_method",
                NextAction = null,
                PaymentMethodId = null,
                LastPaymentError = new FakePaymentError(
                    "invalid_request_error",
                    "payment_intent_authentication_failure",
                    null,
                    "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
                    null,
                    intent.PaymentMethodId),
            });
        }
    }

    /// <summary>
    /// A PaymentIntent made outside the API, as if created before a crash the test simulates.
    /// With <paramref name="created"/> it (and its charge) carry that time, and it has been in
    /// <paramref name="status"/> since then, as far as search is concerned.
    /// </summary>
    public FakePaymentIntent CreateDirectly(PaymentIntentDraft draft, string status, DateTimeOffset? created = null)
    {
        lock (_gate)
        {
            var intent = Create(draft);
            if (status != intent.Status)
            {
                intent = SetStatus(intent.Id, status);
            }

            if (created is not { } at)
            {
                return intent;
            }

            if (intent.LatestChargeId is { } chargeId)
            {
                _charges[chargeId] = _charges[chargeId] with { Created = at };
            }

            if (intent.PaymentMethodId is { } paymentMethodId)
            {
                _paymentMethods[paymentMethodId] = _paymentMethods[paymentMethodId] with { Created = at };
            }

            return Save(intent with { Created = at, CanceledAt = intent.CanceledAt is null ? null : at }, changedAt: at);
        }
    }

    private static List<FakePaymentIntent> NewestFirst(IEnumerable<FakePaymentIntent> intents)
    {
        var list = intents.ToList();
        list.Sort(CompareNewestFirst);
        return list;
    }

    /// <summary>Stores a new version of a PaymentIntent and notes when, for search. Call under the lock.</summary>
    private FakePaymentIntent Save(FakePaymentIntent intent, DateTimeOffset? changedAt = null)
    {
        _intentChangedAt[intent.Id] = changedAt ?? time.GetUtcNow();
        return _intents[intent.Id] = intent;
    }

    private static LedgerError MissingIntent(string id, string param) =>
        new(404, $"No such payment_intent: '{id}'", "resource_missing", param);

    /// <summary>What confirming with a test card does: the outcome table of <see cref="TestPaymentMethods"/>. Call under the lock.</summary>
    private FakePaymentIntent ApplyConfirmation(FakePaymentIntent intent, TestPaymentMethod method, string token, string? returnUrl)
    {
        var now = time.GetUtcNow();
        var paymentMethod = new FakePaymentMethod(StripeIds.New("pm"), method.Card, now);
        _paymentMethods[paymentMethod.Id] = paymentMethod;
        var attempt = intent with
        {
            ConfirmationToken = token,
            Card = method.Card,
            PaymentMethodId = paymentMethod.Id,
            ReturnUrl = returnUrl,
            LastPaymentError = null,
            NextAction = null,
        };

        switch (method.Outcome)
        {
            case ConfirmationOutcome.Succeeds:
                return MoveTo(attempt, "succeeded");
            case ConfirmationOutcome.Processing:
                var pending = NewCharge(attempt, "pending");
                return attempt with { Status = "processing", LatestChargeId = pending.Id };
            case ConfirmationOutcome.RequiresStripeSdkAction:
                return attempt with { Status = "requires_action", NextAction = new FakeNextAction("use_stripe_sdk", authenticationPage(intent.Id), null) };
            case ConfirmationOutcome.RequiresRedirect:
                return attempt with { Status = "requires_action", NextAction = new FakeNextAction("redirect_to_url", authenticationPage(intent.Id), returnUrl) };
            case ConfirmationOutcome.Declines:
            default:
                // Stripe keeps the failed charge and detaches the PaymentMethod: it lives on in last_payment_error.
                var failed = NewCharge(attempt, "failed") with { FailureCode = method.Code, DeclineCode = method.DeclineCode, FailureMessage = method.Message };
                _charges[failed.Id] = failed;
                return attempt with
                {
                    Status = "requires_payment_method",
                    LatestChargeId = failed.Id,
                    PaymentMethodId = null,
                    LastPaymentError = new FakePaymentError("card_error", method.Code!, method.DeclineCode, method.Message!, failed.Id, paymentMethod.Id),
                };
        }
    }

    /// <summary>Status change with the side effects Stripe shows with it (a charge on success, an error on failure). Call under the lock.</summary>
    private FakePaymentIntent MoveTo(FakePaymentIntent intent, string status)
    {
        var latest = intent.LatestChargeId is null ? null : _charges.GetValueOrDefault(intent.LatestChargeId);
        switch (status)
        {
            case "succeeded":
                var paymentMethodId = intent.PaymentMethodId ?? EnsurePaymentMethod(intent.Card ?? new FakeCard("visa", "4242"));
                var charge = latest is { Status: "pending" }
                    ? _charges[latest.Id] = latest with { Status = "succeeded" }
                    : NewCharge(intent with { PaymentMethodId = paymentMethodId }, "succeeded");
                return intent with
                {
                    Status = status,
                    LatestChargeId = charge.Id,
                    PaymentMethodId = paymentMethodId,
                    Card = charge.Card,
                    LastPaymentError = null,
                    NextAction = null,
                };
            case "requires_payment_method":
                if (latest is { Status: "pending" })
                {
                    _charges[latest.Id] = latest with { Status = "failed", FailureCode = "card_declined", DeclineCode = "generic_decline", FailureMessage = "Your card was declined." };
                }

                return intent with
                {
                    Status = status,
                    NextAction = null,
                    PaymentMethodId = null,
                    LastPaymentError = intent.LastPaymentError ?? new FakePaymentError(
                        "card_error", "card_declined", "generic_decline", "Your card was declined.", latest?.Id, intent.PaymentMethodId),
                };
            case "requires_action":
                return intent with
                {
                    Status = status,
                    NextAction = intent.NextAction ?? new FakeNextAction("use_stripe_sdk", authenticationPage(intent.Id), null),
                };
            case "canceled":
                return intent with { Status = status, CanceledAt = time.GetUtcNow(), NextAction = null };
            default:
                return intent with { Status = status, NextAction = null };
        }
    }

    private string EnsurePaymentMethod(FakeCard card)
    {
        var paymentMethod = new FakePaymentMethod(StripeIds.New("pm"), card, time.GetUtcNow());
        _paymentMethods[paymentMethod.Id] = paymentMethod;
        return paymentMethod.Id;
    }

    private FakeCharge NewCharge(FakePaymentIntent intent, string status)
    {
        var charge = new FakeCharge(
            StripeIds.New("ch"),
            intent.Id,
            intent.Amount,
            intent.Currency,
            status,
            intent.Card ?? new FakeCard("visa", "4242"),
            intent.PaymentMethodId!,
            time.GetUtcNow(),
            ReceiptEmail: intent.ReceiptEmail,
            Description: intent.Description,
            Metadata: intent.Metadata);
        _charges[charge.Id] = charge;
        return charge;
    }
}
