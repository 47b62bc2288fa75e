using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.Shopping;

namespace CoffeeShop.Web.Retention;

/// <summary>The <c>Retention</c> settings section: how long data kept only for a while is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Whether this instance runs the clean-up (any one instance running it is enough).</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 1440, ErrorMessage = "The setting Retention:IntervalMinutes must be between 1 and 1440. Set it in appsettings.json or the environment variable Retention__IntervalMinutes.")]
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>
    /// A webhook event's payload (Stripe's objects: the customer's name, email, address, card brand and
    /// last4) is emptied this long after it arrived; the event's id, type and outcome stay for good.
    /// </summary>
    [Range(1, 3650, ErrorMessage = "The setting Retention:WebhookPayloadDays must be between 1 and 3650. Set it in appsettings.json or the environment variable Retention__WebhookPayloadDays.")]
    public int WebhookPayloadDays { get; set; } = 30;

    /// <summary>
    /// A cart untouched this long, and named by no order, is deleted. Never less than the cart cookie's
    /// lifetime: until then a shopper may come back to it.
    /// </summary>
    [Range(CartCookie.LifetimeDays, 3650, ErrorMessage = "The setting Retention:IdleCartDays must be between 30 (the cart cookie's lifetime) and 3650. Set it in appsettings.json or the environment variable Retention__IdleCartDays.")]
    public int IdleCartDays { get; set; } = 30;

    /// <summary>Rows changed per transaction: a large backlog is worked off in short transactions.</summary>
    [Range(1, 10000, ErrorMessage = "The setting Retention:BatchSize must be between 1 and 10000. Set it in appsettings.json or the environment variable Retention__BatchSize.")]
    public int BatchSize { get; set; } = 500;
}
