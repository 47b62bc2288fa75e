namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>Where a planned failure happens, which decides whether Stripe saves it under the idempotency key.</summary>
internal enum FaultStage
{
    /// <summary>In front of Stripe's API (network, load balancer): nothing ran and nothing is saved.</summary>
    BeforeApi,

    /// <summary>Inside the endpoint, after the key was claimed: a 5xx is saved and replayed, as Stripe does.</summary>
    InEndpoint,
}

/// <summary>One planned misbehaviour: hang (no answer at all) or answer an error status, at a stage.</summary>
internal readonly record struct Fault(bool Hangs, int Status, FaultStage Stage = FaultStage.BeforeApi);

/// <summary>A lasting outage in front of Stripe's API, for as long as it is switched on (bench/soak switches them).</summary>
public enum StripeOutage
{
    None,

    /// <summary>Every API request answers 500 before reaching the API (nothing runs, nothing is saved under the key).</summary>
    Errors,

    /// <summary>Every API request hangs until the client gives up.</summary>
    Hangs,

    /// <summary>Every API request's connection is dropped without an answer (the client sees a reset).</summary>
    Drops,
}

/// <summary>
/// The test's knobs for a bad day at Stripe: faults taken by the next API requests in arrival
/// order, each at its stage (a request that never reaches the stage of the next fault, such as a
/// replay, leaves it for the next request), and latency.
/// </summary>
internal sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly Queue<Fault> _faults = new();
    private long _latencyTicks;
    private int _outage;

    public StripeOutage Outage
    {
        get => (StripeOutage)Volatile.Read(ref _outage);
        set => Volatile.Write(ref _outage, (int)value);
    }

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    public void Add(int count, Fault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    public Fault? TakeNext(FaultStage stage)
    {
        lock (_gate)
        {
            return _faults.TryPeek(out var fault) && fault.Stage == stage ? _faults.Dequeue() : null;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }

        Latency = TimeSpan.Zero;
        Outage = StripeOutage.None;
    }
}
