namespace CoffeeShop.Web.Payments;

/// <summary>
/// The creation-window reads of one reconciler batch. The attempts a Stripe outage leaves without a
/// PaymentIntent id were begun within minutes of one another, so their windows overlap: the first look
/// lists the union of the overlapping windows once (at most twice one window's length) for all of them,
/// and the others are answered from that read. A union read that could not be completed proves nothing,
/// so an attempt then reads its own window, exactly as it would alone.
/// </summary>
public sealed class CreationWindowReads(IPaymentGateway gateway, IReadOnlyCollection<AttemptWindow> attempts)
{
    private readonly List<(AttemptWindow Window, HashSet<PaymentAttemptKey> Asked, CreationWindowSearch Search)> _reads = [];

    public async Task<CreationWindowSearch> ReadAsync(AttemptWindow attempt, CancellationToken cancellationToken)
    {
        var shareable = true;
        foreach (var (window, asked, search) in _reads)
        {
            if (!asked.Contains(attempt.Key) || window.From > attempt.From || window.Until < attempt.Until)
            {
                continue;
            }

            if (search.Complete || search.For(attempt.Key) is not null)
            {
                return search;
            }

            // A wider read that could not be completed: only the attempt's own window can still prove anything.
            shareable = false;
        }

        if (shareable && UnionAround(attempt) is { Together.Count: > 1 } union)
        {
            var shared = await gateway.FindInCreationWindowAsync(union.Together, union.Window.From, union.Window.Until, cancellationToken);
            _reads.Add((union.Window, [.. union.Together], shared));
            if (shared.Complete || shared.For(attempt.Key) is not null)
            {
                return shared;
            }
        }

        var own = await gateway.FindInCreationWindowAsync([attempt.Key], attempt.From, attempt.Until, cancellationToken);
        _reads.Add((attempt, [attempt.Key], own));
        return own;
    }

    /// <summary>The window grown by every other attempt of the batch that overlaps it, up to twice its own length.</summary>
    private (AttemptWindow Window, List<PaymentAttemptKey> Together) UnionAround(AttemptWindow attempt)
    {
        var longest = (attempt.Until - attempt.From) * 2;
        var (from, until) = (attempt.From, attempt.Until);
        var together = new List<PaymentAttemptKey> { attempt.Key };
        var left = attempts.Where(a => a.Key != attempt.Key).OrderBy(a => a.From).ToList();
        bool grew;
        do
        {
            grew = false;
            foreach (var other in left.ToList())
            {
                var (newFrom, newUntil) = (Min(from, other.From), Max(until, other.Until));
                if (other.From <= until && other.Until >= from && newUntil - newFrom <= longest)
                {
                    (from, until) = (newFrom, newUntil);
                    together.Add(other.Key);
                    left.Remove(other);
                    grew = true;
                }
            }
        }
        while (grew);

        return (new AttemptWindow(attempt.Key, from, until), together);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>When an attempt's PaymentIntent can have been created at Stripe.</summary>
public sealed record AttemptWindow(PaymentAttemptKey Key, DateTimeOffset From, DateTimeOffset Until);
