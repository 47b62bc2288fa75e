using System.Globalization;
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

    /// <summary>Signing in with a password, an authenticator code or a recovery code (guessing).</summary>
    public const string SignInPosts = "sign-in-posts";

    /// <summary>Refunding a payment.</summary>
    public const string RefundPosts = "refund-posts";

    /// <summary>
    /// The default UI's second sign-in steps: they are not our page models, so they carry the sign-in
    /// policy by page rather than by attribute (every route and handler name of the page still counts).
    /// </summary>
    private static readonly string[] IdentitySignInPages = ["/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    /// <summary>
    /// Per-client fixed windows on the handlers marked <see cref="RateLimitedAttribute"/> (checkout, sign-in
    /// and refund POSTs), and the <see cref="PaymentStatusChecks"/> policy for the pages that carry it.
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
                ClientOf(context), _ => PerMinute(limits.Value.PaymentStatusChecksPerMinute)));
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

    private static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    private static void WriteRetryAfter(HttpResponse response, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads <see cref="RateLimitedAttribute"/> (and the Identity sign-in pages) into each page's <see cref="HandlerRateLimits"/>.</summary>
    private sealed class HandlerRateLimitConvention : IPageApplicationModelConvention
    {
        public void Apply(PageApplicationModel model)
        {
            var identitySignIn = model.AreaName == "Identity" && IdentitySignInPages.Contains(model.ViewEnginePath, StringComparer.OrdinalIgnoreCase);
            var policies = new Dictionary<MethodInfo, string>();
            foreach (var handler in model.HandlerMethods)
            {
                var policy = handler.Attributes.OfType<RateLimitedAttribute>().SingleOrDefault()?.Policy
                    ?? (identitySignIn && HttpMethods.IsPost(handler.HttpMethod) ? SignInPosts : null);
                if (policy is null)
                {
                    continue;
                }

                if (policy is not (CheckoutPosts or SignInPosts or RefundPosts))
                {
                    throw new InvalidOperationException($"{model.ViewEnginePath}: {handler.MethodInfo.Name} names the rate-limit policy '{policy}', which RateLimits does not define.");
                }

                policies[handler.MethodInfo] = policy;
            }

            if (policies.Count > 0)
            {
                model.EndpointMetadata.Add(new HandlerRateLimits(policies));
            }
        }
    }

    /// <summary>One fixed window per policy and client.</summary>
    private sealed class HandlerRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
    {
        private readonly PartitionedRateLimiter<(string Policy, string Client)> _limiter =
            PartitionedRateLimiter.Create<(string Policy, string Client), (string Policy, string Client)>(key =>
                RateLimitPartition.GetFixedWindowLimiter(key, k => PerMinute(k.Policy switch
                {
                    CheckoutPosts => options.Value.CheckoutPostsPerMinute,
                    SignInPosts => options.Value.SignInPostsPerMinute,
                    RefundPosts => options.Value.RefundPostsPerMinute,
                    _ => throw new InvalidOperationException($"No rate-limit policy named '{k.Policy}'."),
                })));

        public RateLimitLease Acquire(string policy, HttpContext context) => _limiter.AttemptAcquire((policy, ClientOf(context)));

        public void Dispose() => _limiter.Dispose();
    }

    private sealed class HandlerRateLimitFilter(HandlerRateLimiter limiter, ShopMetrics metrics) : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
        {
            var policy = context.HandlerMethod is { } handler
                ? context.ActionDescriptor.EndpointMetadata.OfType<HandlerRateLimits>().FirstOrDefault()?.PolicyOf(handler.MethodInfo)
                : null;
            if (policy is null)
            {
                await next();
                return;
            }

            using var lease = limiter.Acquire(policy, context.HttpContext);
            if (!lease.IsAcquired)
            {
                metrics.RateLimitRejected(policy);
                WriteRetryAfter(context.HttpContext.Response, lease);
                context.Result = new StatusCodeResult(StatusCodes.Status429TooManyRequests);
                return;
            }

            await next();
        }
    }
}
