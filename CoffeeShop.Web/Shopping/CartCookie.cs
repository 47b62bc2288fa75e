using CoffeeShop.Web.Infrastructure;

namespace CoffeeShop.Web.Shopping;

/// <summary>
/// The anonymous cart id, kept in a cookie. The id is a random GUID (122 random bits), so it cannot
/// be guessed; the cart itself lives in PostgreSQL, never in server memory.
/// </summary>
public sealed class CartCookie(IHttpContextAccessor accessor, IHostEnvironment environment, TimeProvider clock)
{
    public const string Name = ShopCookies.Cart;

    /// <summary>How long a browser keeps the cookie after the last addition to the cart.</summary>
    public const int LifetimeDays = 30;

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(LifetimeDays);

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No current request.");

    private string CookieName => ShopCookies.Named(Name, environment);

    public Guid? Read() => ShopCookies.CartIdOf(Http.Request);

    public void Write(Guid cartId) =>
        Http.Response.Cookies.Append(CookieName, cartId.ToString("N"), new CookieBuilder
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            SecurePolicy = ShopCookies.SecurePolicy(environment),
            IsEssential = true,
            Path = "/",
            Expiration = Lifetime,
        }.Build(Http, clock.GetUtcNow()));
}
