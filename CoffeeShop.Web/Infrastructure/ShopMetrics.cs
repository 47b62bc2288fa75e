using System.Diagnostics.Metrics;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// The shop's own instruments, on the <c>CoffeeShop</c> meter (OpenTelemetry exports it with the framework's).
/// The features report through these methods with plain tag values, so this file is the one list of what the
/// shop measures and Infrastructure still knows no feature. Tag values come from small fixed sets (never an
/// id, an email or an amount), so every instrument keeps a handful of series.
/// </summary>
public sealed class ShopMetrics
{
    public const string MeterName = "CoffeeShop";

    private readonly Counter<long> _checkouts;
    private readonly Histogram<double> _stripeDuration;
    private readonly Counter<long> _webhooks;
    private readonly Counter<long> _rateLimitRejections;

    // Gauges read what the background loops last saw: a scrape costs no query.
    private long _reconcilerBacklog = -1;
    private long _oldestUnsettledTicks;
    private long _outboxBacklog = -1;

    public ShopMetrics(IMeterFactory meters, TimeProvider clock)
    {
        var meter = meters.Create(MeterName);
        _checkouts = meter.CreateCounter<long>("coffeeshop.checkouts", "{checkout}",
            "Checkout submissions that reached the payment step, by outcome (paid, declined, requires_action, processing, confirming, stale, sold_out, error).");
        _stripeDuration = meter.CreateHistogram<double>("coffeeshop.stripe.duration", "s",
            "Each HTTP call to Stripe's API (every retry counts), by operation and outcome (ok, refused, error, timeout, canceled).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 80] });
        _webhooks = meter.CreateCounter<long>("coffeeshop.webhooks", "{event}",
            "Stripe webhook deliveries, by event type and outcome (processed, ignored, duplicate, bad_signature, not_configured, error).");
        _rateLimitRejections = meter.CreateCounter<long>("coffeeshop.rate_limit.rejections", "{request}",
            "Requests answered 429, by rate-limit policy.");
        meter.CreateObservableGauge<long>("coffeeshop.reconciler.backlog", ObserveReconcilerBacklog, "{payment}",
            "Payment records not settled yet (Pending, Processing, RequiresAction), as the reconciler's last pass on this instance counted them.");
        meter.CreateObservableGauge<double>("coffeeshop.reconciler.oldest_unsettled_age", () => ObserveOldestUnsettledAge(clock), "s",
            "Age of the oldest unsettled payment record the reconciler's last pass saw (0 when none).");
        meter.CreateObservableGauge<long>("coffeeshop.outbox.backlog", ObserveOutboxBacklog, "{message}",
            "Outbox messages waiting to be sent, as this instance's dispatcher last counted them.");
    }

    /// <summary>A checkout submission ended with this outcome (snake_case).</summary>
    public void CheckoutEnded(string outcome) =>
        _checkouts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One HTTP call to Stripe took this long.</summary>
    public void StripeCallEnded(string operation, string outcome, TimeSpan elapsed) =>
        _stripeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A webhook delivery was answered; <paramref name="type"/> is the event's type, or "unknown" before the signature holds.</summary>
    public void WebhookReceived(string type, string outcome) =>
        _webhooks.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));

    public void RateLimitRejected(string policy) =>
        _rateLimitRejections.Add(1, new KeyValuePair<string, object?>("policy", policy));

    /// <summary>The reconciler counted the unsettled records; <paramref name="oldestCreatedAt"/> is null when there are none.</summary>
    public void ReconcilerBacklogCounted(long unsettled, DateTimeOffset? oldestCreatedAt)
    {
        Interlocked.Exchange(ref _oldestUnsettledTicks, oldestCreatedAt?.UtcTicks ?? 0);
        Interlocked.Exchange(ref _reconcilerBacklog, unsettled);
    }

    public void OutboxBacklogCounted(long pending) => Interlocked.Exchange(ref _outboxBacklog, pending);

    // Nothing is reported before the first count: an empty series, not a false zero.
    private IEnumerable<Measurement<long>> ObserveReconcilerBacklog() =>
        Interlocked.Read(ref _reconcilerBacklog) is var n and >= 0 ? [new Measurement<long>(n)] : [];

    /// <summary>The age grows between passes, so a stalled reconciler shows as a climbing line.</summary>
    private IEnumerable<Measurement<double>> ObserveOldestUnsettledAge(TimeProvider clock)
    {
        if (Interlocked.Read(ref _reconcilerBacklog) < 0)
        {
            return [];
        }

        var ticks = Interlocked.Read(ref _oldestUnsettledTicks);
        var age = ticks == 0 ? 0 : Math.Max(0, (clock.GetUtcNow().UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond);
        return [new Measurement<double>(age)];
    }

    private IEnumerable<Measurement<long>> ObserveOutboxBacklog() =>
        Interlocked.Read(ref _outboxBacklog) is var n and >= 0 ? [new Measurement<long>(n)] : [];
}
