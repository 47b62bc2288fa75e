namespace CoffeeShop.Web.Infrastructure;

/// <summary>The shop's own cookie names and the one rule for when a cookie is Secure.</summary>
public static class ShopCookies
{
    public const string Antiforgery = "coffeeshop_af";

    /// <summary>TempData's cookie: the one-off message shown after a redirect.</summary>
    public const string Message = "coffeeshop_msg";

    /// <summary>
    /// Browsers accept a cookie named with this prefix only when it is Secure, has Path=/ and no Domain, so neither a
    /// sibling subdomain nor a plain-http page can set or overwrite it (cookie tossing, session fixation).
    /// </summary>
    public const string HostPrefix = "__Host-";

    /// <summary>
    /// The name a shop cookie goes by: with <see cref="HostPrefix"/> outside Development, where every shop cookie is
    /// Secure. Development serves plain http (scripts/run), where a Secure cookie cannot be set and a browser would
    /// drop a prefixed one without it, so there the name stays plain.
    /// </summary>
    public static string Named(string name, IHostEnvironment environment) =>
        environment.IsDevelopment() ? name : HostPrefix + name;

    /// <summary>The anonymous cart's id (Shopping's <c>CartCookie</c> writes it); here so a rate limit can count per cart.</summary>
    public const string Cart = "coffeeshop_cart";

    /// <summary>
    /// The cart id the request's cookie names, in its one accepted form (a GUID, "N" format), or null.
    /// Parsed, not taken as sent, so one cart has one key however its letters are cased.
    /// </summary>
    public static Guid? CartIdOf(HttpRequest request) =>
        request.Cookies.TryGetValue(Named(Cart, request.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>()), out var value) && Guid.TryParseExact(value, "N", out var id) ? id : null;

    /// <summary>Secure outside Development; in Development over plain HTTP too, so the shop runs without a certificate.</summary>
    public static CookieSecurePolicy SecurePolicy(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
}
