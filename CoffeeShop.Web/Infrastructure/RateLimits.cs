using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

public static class RateLimits
{
    /// <summary>
    /// The policy of pages that may ask Stripe about a payment for anyone holding an order link, attached
    /// to their page models with <c>[EnableRateLimiting]</c> so every route of the page counts.
    /// </summary>
    public const string PaymentStatusChecks = "payment-status-checks";

    /// <summary>Placing an order (card testing).</summary>
    public const string CheckoutPosts = "checkout-posts";

    /// <summary>
    /// Placing an order, counted per cart (the cart cookie) rather than per client: card testing on one cart
    /// from many addresses. A request without a cart is not counted by it (the checkout sends it to the cart page).
    /// </summary>
    public const string CheckoutPostsPerCart = "checkout-posts-per-cart";

    /// <summary>Signing in with a password, an authenticator code or a recovery code (guessing).</summary>
    public const string SignInPosts = "sign-in-posts";

    /// <summary>Refunding a payment.</summary>
    public const string RefundPosts = "refund-posts";

    /// <summary>
    /// Per-client fixed windows on the handlers marked <see cref="RateLimitedAttribute"/> (checkout, sign-in
    /// and refund POSTs; the checkout also per cart), and the <see cref="PaymentStatusChecks"/> policy for the pages that carry it.
    /// Rejections are 429 with Retry-After. The Stripe webhook is never limited: Stripe's retries must
    /// always get through, and its signature already authenticates it.
    /// </summary>
    public static IServiceCollection AddShopRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PaymentStatusChecks, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientKeyOf(context.Connection.RemoteIpAddress), _ => PerMinute(limits.Value.PaymentStatusChecksPerMinute)));
            options.OnRejected = (context, _) =>
            {
                var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "unknown";
                context.HttpContext.RequestServices.GetRequiredService<ShopMetrics>().RateLimitRejected(policy);
                WriteRetryAfter(context.HttpContext.Response, context.Lease);
                return ValueTask.CompletedTask;
            };
        });

        // Razor Pages put endpoint metadata on a page, not on one handler: the policy of the handler the
        // framework actually selected is applied by a page filter.
        services.AddSingleton<HandlerRateLimiter>();
        services.AddOptions<MvcOptions>().Configure(options => options.Filters.AddService<HandlerRateLimitFilter>());
        services.AddSingleton<HandlerRateLimitFilter>();
        services.AddOptions<RazorPagesOptions>().Configure(options => options.Conventions.Add(new HandlerRateLimitConvention()));
        return services;
    }

    /// <summary>
    /// The client a per-client window counts: an IPv4 address (an IPv4-mapped IPv6 address counts as the IPv4
    /// one), or an IPv6 address's /64. One subscriber is routinely given a whole /64 and can pick any of its
    /// 2^64 addresses, so counting IPv6 per address would hand one client as many windows as it likes.
    /// The address is the socket's, or the client's as a trusted proxy forwarded it (<see cref="TrustedProxies"/>).
    /// </summary>
    public static string ClientKeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        // The first 8 bytes are the /64; the rest (and any scope id) is the host's own choice.
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    private static void WriteRetryAfter(HttpResponse response, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads <see cref="RateLimitedAttribute"/> into each page's <see cref="HandlerRateLimits"/>.</summary>
    private sealed class HandlerRateLimitConvention : IPageApplicationModelConvention
    {
        public void Apply(PageApplicationModel model)
        {
            var policies = new Dictionary<MethodInfo, IReadOnlyList<string>>();
            foreach (var handler in model.HandlerMethods)
            {
                List<string> named = [.. handler.Attributes.OfType<RateLimitedAttribute>().Select(a => a.Policy)];
                if (named.Count == 0)
                {
                    continue;
                }

                if (named.FirstOrDefault(p => p is not (CheckoutPosts or CheckoutPostsPerCart or SignInPosts or RefundPosts)) is { } unknown)
                {
                    throw new InvalidOperationException($"{model.ViewEnginePath}: {handler.MethodInfo.Name} names the rate-limit policy '{unknown}', which RateLimits does not define.");
                }

                policies[handler.MethodInfo] = named.Distinct(StringComparer.Ordinal).ToList();
            }

            if (policies.Count > 0)
            {
                model.EndpointMetadata.Add(new HandlerRateLimits(policies));
            }
        }
    }

    /// <summary>One fixed window per policy and what the policy counts by: the client, or the cart.</summary>
    private sealed class HandlerRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
    {
        private readonly PartitionedRateLimiter<(string Policy, string Subject)> _limiter =
            PartitionedRateLimiter.Create<(string Policy, string Subject), (string Policy, string Subject)>(key =>
                RateLimitPartition.GetFixedWindowLimiter(key, k => PerMinute(k.Policy switch
                {
                    CheckoutPosts => options.Value.CheckoutPostsPerMinute,
                    CheckoutPostsPerCart => options.Value.CheckoutPostsPerCartPerMinute,
                    SignInPosts => options.Value.SignInPostsPerMinute,
                    RefundPosts => options.Value.RefundPostsPerMinute,
                    _ => throw new InvalidOperationException($"No rate-limit policy named '{k.Policy}'."),
                })));

        /// <summary>A lease from the policy's window for this request, or null when the policy does not count it (no cart).</summary>
        public RateLimitLease? Acquire(string policy, HttpContext context) =>
            SubjectOf(policy, context) is { } subject ? _limiter.AttemptAcquire((policy, subject)) : null;

        private static string? SubjectOf(string policy, HttpContext context) => policy == CheckoutPostsPerCart
            ? ShopCookies.CartIdOf(context.Request)?.ToString("N")
            : ClientKeyOf(context.Connection.RemoteIpAddress);

        public void Dispose() => _limiter.Dispose();
    }

    private sealed class HandlerRateLimitFilter(HandlerRateLimiter limiter, ShopMetrics metrics) : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
        {
            var policies = context.HandlerMethod is { } handler
                ? context.ActionDescriptor.EndpointMetadata.OfType<HandlerRateLimits>().FirstOrDefault()?.PoliciesOf(handler.MethodInfo) ?? []
                : [];
            var leases = new List<RateLimitLease>(policies.Count);
            try
            {
                // In order, stopping at the first refusal: a call refused per client takes nothing from its cart's window.
                foreach (var policy in policies)
                {
                    if (limiter.Acquire(policy, context.HttpContext) is not { } lease)
                    {
                        continue;
                    }

                    leases.Add(lease);
                    if (!lease.IsAcquired)
                    {
                        metrics.RateLimitRejected(policy);
                        WriteRetryAfter(context.HttpContext.Response, lease);
                        context.Result = new StatusCodeResult(StatusCodes.Status429TooManyRequests);
                        return;
                    }
                }

                await next();
            }
            finally
            {
                leases.ForEach(lease => lease.Dispose());
            }
        }
    }
}
