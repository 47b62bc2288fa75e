using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>The <c>RateLimits</c> section: requests per client per minute for the endpoints worth attacking.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, 100000, ErrorMessage = "The setting RateLimits:CheckoutPostsPerMinute must be between 1 and 100000 (environment variable RateLimits__CheckoutPostsPerMinute).")]
    public int CheckoutPostsPerMinute { get; set; } = 10;

    [Range(1, 100000, ErrorMessage = "The setting RateLimits:SignInPostsPerMinute must be between 1 and 100000 (environment variable RateLimits__SignInPostsPerMinute).")]
    public int SignInPostsPerMinute { get; set; } = 10;

    [Range(1, 100000, ErrorMessage = "The setting RateLimits:RefundPostsPerMinute must be between 1 and 100000 (environment variable RateLimits__RefundPostsPerMinute).")]
    public int RefundPostsPerMinute { get; set; } = 20;

    /// <summary>GETs of the pages that look a payment up (return from the bank, 3-D Secure step), per client.</summary>
    [Range(1, 100000, ErrorMessage = "The setting RateLimits:PaymentStatusChecksPerMinute must be between 1 and 100000 (environment variable RateLimits__PaymentStatusChecksPerMinute).")]
    public int PaymentStatusChecksPerMinute { get; set; } = 30;
}

public static class RateLimits
{
    /// <summary>
    /// The policy of pages that may ask Stripe about a payment for anyone holding an order link, attached
    /// to their page models with <c>[EnableRateLimiting]</c> so every route of the page counts.
    /// </summary>
    public const string PaymentStatusChecks = "payment-status-checks";

    /// <summary>
    /// Per-client fixed windows on checkout POSTs (card testing), sign-in POSTs (password guessing) and
    /// refund POSTs, and the <see cref="PaymentStatusChecks"/> policy for the pages that carry it. Rejections are 429 with Retry-After. The Stripe webhook is never limited: Stripe's
    /// retries must always get through, and its signature already authenticates it.
    /// </summary>
    public static IServiceCollection AddShopRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PaymentStatusChecks, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.Value.PaymentStatusChecksPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var (name, perMinute) = Classify(context.Request, limits.Value);
                if (name is null)
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter($"{name}:{client}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    private static (string? Name, int PerMinute) Classify(HttpRequest request, RateLimitOptions limits)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return (null, 0);
        }

        var path = request.Path;
        if (path.Equals("/Checkout", StringComparison.OrdinalIgnoreCase))
        {
            return ("checkout", limits.CheckoutPostsPerMinute);
        }

        if (path.StartsWithSegments("/Identity/Account/Login", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Identity/Account/LoginWith2fa", StringComparison.OrdinalIgnoreCase))
        {
            return ("sign-in", limits.SignInPostsPerMinute);
        }

        if (path.StartsWithSegments("/Admin/Payments", StringComparison.OrdinalIgnoreCase)
            && string.Equals(request.Query["handler"], "Refund", StringComparison.OrdinalIgnoreCase))
        {
            return ("refunds", limits.RefundPostsPerMinute);
        }

        return (null, 0);
    }
}
