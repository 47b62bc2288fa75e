namespace CoffeeShop.Web.Infrastructure;

/// <summary>The shop's own cookie names and the one rule for when a cookie is Secure.</summary>
public static class ShopCookies
{
    public const string Antiforgery = "coffeeshop_af";

    /// <summary>TempData's cookie: the one-off message shown after a redirect.</summary>
    public const string Message = "coffeeshop_msg";

    /// <summary>The anonymous cart's id (Shopping's <c>CartCookie</c> writes it); here so a rate limit can count per cart.</summary>
    public const string Cart = "coffeeshop_cart";

    /// <summary>
    /// The cart id the request's cookie names, in its one accepted form (a GUID, "N" format), or null.
    /// Parsed, not taken as sent, so one cart has one key however its letters are cased.
    /// </summary>
    public static Guid? CartIdOf(HttpRequest request) =>
        request.Cookies.TryGetValue(Cart, out var value) && Guid.TryParseExact(value, "N", out var id) ? id : null;

    /// <summary>Secure outside Development; in Development over plain HTTP too, so the shop runs without a certificate.</summary>
    public static CookieSecurePolicy SecurePolicy(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
}
