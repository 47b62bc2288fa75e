using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

public static class SecurityHeaders
{
    public const string StripePolicy = "stripe";
    public const string FramesEmailPreviewsPolicy = "frames-email-previews";
    public const string EmailPreviewDocumentPolicy = "email-preview-document";

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
                .AddPolicy(FramesEmailPreviewsPolicy, policy => Shop(policy, stripe: false, standIn, framesOwnPages: true))
                .AddPolicy(EmailPreviewDocumentPolicy, EmailDocument)
            .SetPolicySelector(context => context.HttpContext.GetEndpoint()?.Metadata switch
            {
                { } m when m.GetMetadata<LoadsStripeJsAttribute>() is not null => context.ConfiguredPolicies[StripePolicy],
                { } m when m.GetMetadata<FramesEmailPreviewsAttribute>() is not null => context.ConfiguredPolicies[FramesEmailPreviewsPolicy],
                { } m when m.GetMetadata<EmailPreviewDocumentAttribute>() is not null => context.ConfiguredPolicies[EmailPreviewDocumentPolicy],
                _ => context.DefaultPolicy,
            });
        });
        return services;
    }

    /// <summary>
    /// An email's HTML shown in a sandboxed frame of the admin's preview page: its inline styles apply, nothing
    /// can run or load, and only the shop's own pages may frame it.
    /// </summary>
    private static void EmailDocument(HeaderPolicyCollection policy)
    {
        policy.AddFrameOptionsSameOrigin()
            .AddContentTypeOptionsNoSniff()
            .AddStrictTransportSecurityMaxAgeIncludeSubDomains()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginResourcePolicy(corp => corp.SameOrigin())
            .AddCrossOriginOpenerPolicy(coop => coop.SameOrigin())
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().None();
                csp.AddScriptSrc().None();
                csp.AddStyleSrc().UnsafeInline();
                csp.AddImgSrc().None();
                csp.AddFormAction().None();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().None();
                csp.AddFrameAncestors().Self();
                // Opened on its own (not framed), the document is still sandboxed: an opaque origin, no scripts.
                csp.AddSandbox();
            })
            .AddPermissionsPolicy(permissions =>
            {
                permissions.AddCamera().None();
                permissions.AddMicrophone().None();
                permissions.AddGeolocation().None();
                permissions.AddUsb().None();
                permissions.AddPayment().None();
            });
    }

    private static void Shop(HeaderPolicyCollection policy, bool stripe, string? standIn, bool framesOwnPages = false)
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
                else if (framesOwnPages)
                {
                    frames.Self();
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
