namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

internal enum IdempotencyDecision
{
    /// <summary>First use of the key (or its earlier result was not saved): run the request.</summary>
    Execute,

    /// <summary>Same key, same parameters, finished: answer the saved result.</summary>
    Replay,

    /// <summary>Same key, other parameters: 400 idempotency_error.</summary>
    ParametersDiffer,

    /// <summary>Same key while the first request still runs: 409 idempotency_error (Stripe.net retries it).</summary>
    InFlight,
}

internal readonly record struct IdempotencyClaim(IdempotencyDecision Decision, ApiResult? Saved = null);

/// <summary>
/// Stripe's idempotency (API reference, "Idempotent requests"): the first result of a key is
/// saved with the request's parameters and replayed for the same parameters; other parameters are
/// an error; a key in use is a conflict. Results are saved once the endpoint started, 500s included
/// (Stripe: "Subsequent requests with the same key return the same result, including 500 errors");
/// a validation error, a 409 or an error in front of the API leaves the key free, so a retry runs
/// afresh. Keys never expire here (Stripe keeps them at least 24 hours, longer than any test).
/// </summary>
internal sealed class IdempotencyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public IdempotencyClaim Claim(string key, string fingerprint)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                _entries[key] = new Entry(fingerprint, Result: null);
                return new IdempotencyClaim(IdempotencyDecision.Execute);
            }

            if (entry.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(IdempotencyDecision.ParametersDiffer);
            }

            return entry.Result is null
                ? new IdempotencyClaim(IdempotencyDecision.InFlight)
                : new IdempotencyClaim(IdempotencyDecision.Replay, entry.Result);
        }
    }

    /// <summary>Ends the claim: saves a replayable result, or frees the key for a fresh attempt.</summary>
    public void Complete(string key, ApiResult? result)
    {
        lock (_gate)
        {
            // The key may be gone when a test called Reset while this request ran.
            if (result is { Replayable: true } && _entries.TryGetValue(key, out var entry))
            {
                _entries[key] = entry with { Result = result };
            }
            else
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>Whether a request holding the key is still running: claimed, with no result saved yet.</summary>
    public bool IsInFlight(string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) && entry.Result is null;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    private sealed record Entry(string Fingerprint, ApiResult? Result);
}
