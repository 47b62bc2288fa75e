namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// A server standing in for Stripe (a local mock, the tests' fake) serves its own 3-D Secure pages, which
/// pages marked <see cref="LoadsStripeJsAttribute"/> must be allowed to frame and post to. Set by the
/// payments' Stripe registration; no origin when the shop talks to Stripe itself.
/// </summary>
public sealed class StripeStandIn
{
    /// <summary>Scheme, host and port, such as <c>http://127.0.0.1:5123</c>.</summary>
    public string? Origin { get; set; }
}
