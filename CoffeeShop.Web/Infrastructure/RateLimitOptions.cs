using System.ComponentModel.DataAnnotations;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// The <c>RateLimits</c> section: requests per client per minute for the endpoints worth attacking. A client
/// is one IPv4 address or one IPv6 /64 (<see cref="RateLimits.ClientKeyOf"/>).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, 100000, ErrorMessage = "The setting RateLimits:CheckoutPostsPerMinute must be between 1 and 100000 (environment variable RateLimits__CheckoutPostsPerMinute).")]
    public int CheckoutPostsPerMinute { get; set; } = 10;

    /// <summary>Checkout POSTs per cart, from whatever addresses they come: one cart cannot be paid at from many clients to multiply the per-client limit.</summary>
    [Range(1, 100000, ErrorMessage = "The setting RateLimits:CheckoutPostsPerCartPerMinute must be between 1 and 100000 (environment variable RateLimits__CheckoutPostsPerCartPerMinute).")]
    public int CheckoutPostsPerCartPerMinute { get; set; } = 10;

    [Range(1, 100000, ErrorMessage = "The setting RateLimits:SignInPostsPerMinute must be between 1 and 100000 (environment variable RateLimits__SignInPostsPerMinute).")]
    public int SignInPostsPerMinute { get; set; } = 10;

    [Range(1, 100000, ErrorMessage = "The setting RateLimits:RefundPostsPerMinute must be between 1 and 100000 (environment variable RateLimits__RefundPostsPerMinute).")]
    public int RefundPostsPerMinute { get; set; } = 20;

    /// <summary>GETs of the pages that look a payment up (return from the bank, 3-D Secure step), per client.</summary>
    [Range(1, 100000, ErrorMessage = "The setting RateLimits:PaymentStatusChecksPerMinute must be between 1 and 100000 (environment variable RateLimits__PaymentStatusChecksPerMinute).")]
    public int PaymentStatusChecksPerMinute { get; set; } = 30;
}
