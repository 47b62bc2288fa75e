namespace CoffeeShop.Web.Infrastructure;

/// <summary>The shop's own cookie names and the one rule for when a cookie is Secure.</summary>
public static class ShopCookies
{
    public const string Antiforgery = "coffeeshop_af";

    /// <summary>TempData's cookie: the one-off message shown after a redirect.</summary>
    public const string Message = "coffeeshop_msg";

    /// <summary>Secure outside Development; in Development over plain HTTP too, so the shop runs without a certificate.</summary>
    public static CookieSecurePolicy SecurePolicy(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
}
