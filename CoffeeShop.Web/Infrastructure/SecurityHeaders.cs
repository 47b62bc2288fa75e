using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

public static class SecurityHeaders
{
    public const string StripePolicy = "stripe";

    /// <summary>
    /// Headers on every response (NetEscapades.AspNetCore.SecurityHeaders): a CSP with a per-request
    /// nonce and no unsafe-inline scripts, Stripe's hosts only on pages marked <see cref="LoadsStripeJsAttribute"/>,
    /// nosniff, a referrer policy, a permissions policy, no framing, and HSTS on HTTPS.
    /// The policies are explained in docs/adr/0007-content-security-policy.md.
    /// </summary>
    public static IServiceCollection AddShopSecurityHeaders(this IServiceCollection services)
    {
        services.AddSecurityHeaderPolicies((policies, services) =>
        {
            var standIn = services.GetRequiredService<IOptions<StripeStandIn>>().Value.Origin;
            policies.SetDefaultPolicy(policy => Shop(policy, stripe: false, standIn))
                .AddPolicy(StripePolicy, policy => Shop(policy, stripe: true, standIn))
            .SetPolicySelector(context =>
                context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<LoadsStripeJsAttribute>() is null
                    ? context.DefaultPolicy
                    : context.ConfiguredPolicies[StripePolicy]);
        });
        return services;
    }

    private static void Shop(HeaderPolicyCollection policy, bool stripe, string? standIn)
    {
        policy.AddFrameOptionsDeny()
            .AddContentTypeOptionsNoSniff()
            .AddStrictTransportSecurityMaxAgeIncludeSubDomains()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginResourcePolicy(corp => corp.SameSite())
            // Stripe's wallets may open a popup; elsewhere nothing needs another window's handle.
            .AddCrossOriginOpenerPolicy(coop =>
            {
                if (stripe)
                {
                    coop.SameOriginAllowPopups();
                }
                else
                {
                    coop.SameOrigin();
                }
            })
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                var scripts = csp.AddScriptSrc().Self().WithNonce();
                csp.AddStyleSrc().Self();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self();
                var connect = csp.AddConnectSrc().Self();
                var frames = csp.AddFrameSrc();
                var forms = csp.AddFormAction().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
                csp.AddFrameAncestors().None();
                if (stripe)
                {
                    // Stripe's security guide: Stripe.js and its frames, and its API for the Payment Element.
                    scripts.From("https://js.stripe.com").From("https://*.js.stripe.com");
                    frames.From("https://js.stripe.com").From("https://*.js.stripe.com").From("https://hooks.stripe.com");
                    connect.From("https://api.stripe.com");
                    // The checkout POST may answer with a redirect to the bank's 3-D Secure page.
                    forms.From("https://hooks.stripe.com");
                    if (standIn is not null)
                    {
                        forms.From(standIn);
                        frames.From(standIn);
                    }
                }
                else
                {
                    frames.None();
                }
            })
            .AddPermissionsPolicy(permissions =>
            {
                permissions.AddCamera().None();
                permissions.AddMicrophone().None();
                permissions.AddGeolocation().None();
                permissions.AddUsb().None();
                var payment = permissions.AddPayment();
                if (stripe)
                {
                    // Wallets inside the Payment Element use the Payment Request API from Stripe's frame.
                    payment.Self().For("https://js.stripe.com");
                }
                else
                {
                    payment.None();
                }
            });
    }
}
