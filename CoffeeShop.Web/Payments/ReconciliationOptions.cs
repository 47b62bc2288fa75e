using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Payments;

/// <summary>The <c>Reconciliation</c> settings section.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    public bool Enabled { get; set; } = true;

    [Range(1, 86400, ErrorMessage = "The setting Reconciliation:IntervalSeconds must be between 1 and 86400. Set it in appsettings.json or the environment variable Reconciliation__IntervalSeconds.")]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>How long a record may stay Pending, Processing or RequiresAction before the reconciler asks Stripe.</summary>
    [Range(0, 86400, ErrorMessage = "The setting Reconciliation:MinimumAgeSeconds must be between 0 and 86400. Set it in appsettings.json or the environment variable Reconciliation__MinimumAgeSeconds.")]
    public int MinimumAgeSeconds { get; set; } = 300;

    /// <summary>How long a claimed record is left to the instance that claimed it.</summary>
    [Range(1, 3600, ErrorMessage = "The setting Reconciliation:LeaseSeconds must be between 1 and 3600. Set it in appsettings.json or the environment variable Reconciliation__LeaseSeconds.")]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>A Pending attempt with no PaymentIntent at Stripe after this long never reached Stripe: it is marked Failed.</summary>
    [Range(1, 10080, ErrorMessage = "The setting Reconciliation:AbandonAfterMinutes must be between 1 and 10080. Set it in appsettings.json or the environment variable Reconciliation__AbandonAfterMinutes.")]
    public int AbandonAfterMinutes { get; set; } = 60;

    [Range(1, 1000, ErrorMessage = "The setting Reconciliation:BatchSize must be between 1 and 1000. Set it in appsettings.json or the environment variable Reconciliation__BatchSize.")]
    public int BatchSize { get; set; } = 50;

    /// <summary>The longest wait between two looks at a record that does not change (each look doubles the wait up to this).</summary>
    [Range(1, 1440, ErrorMessage = "The setting Reconciliation:MaxBackoffMinutes must be between 1 and 1440. Set it in appsettings.json or the environment variable Reconciliation__MaxBackoffMinutes.")]
    public int MaxBackoffMinutes { get; set; } = 60;

    /// <summary>
    /// An attempt still waiting for the customer (3-D Secure left open) this long after it began is canceled
    /// at Stripe, which gives its reserved stock back; until then it may still succeed, and keeps it.
    /// </summary>
    [Range(5, 10080, ErrorMessage = "The setting Reconciliation:CancelUnfinishedAfterMinutes must be between 5 and 10080. Set it in appsettings.json or the environment variable Reconciliation__CancelUnfinishedAfterMinutes.")]
    public int CancelUnfinishedAfterMinutes { get; set; } = 60;

    /// <summary>The wait before the next look at a record seen <paramref name="visits"/> times without settling.</summary>
    public TimeSpan BackoffAfter(int visits) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoffMinutes * 60.0, IntervalSeconds * Math.Pow(2, Math.Clamp(visits, 1, 20))));
}
