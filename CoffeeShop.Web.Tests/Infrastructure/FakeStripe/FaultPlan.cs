namespace CoffeeShop.Web.Tests.Infrastructure.FakeStripe;

/// <summary>One planned misbehaviour: hang (no answer at all) or answer an error status.</summary>
internal readonly record struct Fault(bool Hangs, int Status);

/// <summary>
/// The test's knobs for a bad day at Stripe: faults taken by the next API requests in arrival
/// order (before idempotency, as an outage in front of Stripe's servers would be), and latency.
/// </summary>
internal sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly Queue<Fault> _faults = new();
    private long _latencyTicks;

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

    public Fault? TakeNext()
    {
        lock (_gate)
        {
            return _faults.TryDequeue(out var fault) ? fault : null;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }

        Latency = TimeSpan.Zero;
    }
}
