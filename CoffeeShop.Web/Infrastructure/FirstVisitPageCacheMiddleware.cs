using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// The product pages as a visitor without any cookie sees them, rendered once per
/// <see cref="PageCacheOptions.Lifetime"/> and served to every such visitor with their own antiforgery token and
/// cookie. The output cache cannot do this: a page with a form carries a per-visitor token, and
/// sharing one token would share one antiforgery cookie (docs/adr/0008-first-visit-page-cache.md).
/// Only a request without cookies is served or stored, so no cart, sign-in or message can leak; a
/// rendering is stored only when it is a 200 HTML page holding exactly one token, no CSP nonce and
/// no cookie other than the antiforgery one. Entries are keyed by page and route values, at most
/// <see cref="PageCacheOptions.MaxFirstVisitPages"/> of them, and an expired one is never served and is swept out.
/// </summary>
/// <remarks>A singleton (registered in WebRegistration), so every request shares one store.</remarks>
public sealed class FirstVisitPageCacheMiddleware : IMiddleware, IDisposable
{
    private const string TokenField = "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"";

    private readonly IAntiforgery _antiforgery;
    private readonly IOptions<AntiforgeryOptions> _antiforgeryOptions;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;
    private readonly bool _enabled;

    /// <summary>
    /// Sized in entries (each counts 1), so a flood of addresses cannot grow it past the limit: a page that does
    /// not fit is served fresh and not stored, and the cache compacts (expired entries first, then the least used).
    /// </summary>
    private readonly MemoryCache _pages;

    public FirstVisitPageCacheMiddleware(IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<PageCacheOptions> caches, TimeProvider clock)
    {
        _antiforgery = antiforgery;
        _antiforgeryOptions = antiforgeryOptions;
        _clock = clock;
        _lifetime = caches.Value.Lifetime;
        _enabled = caches.Value.MaxFirstVisitPages > 0;
        _pages = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = Math.Max(1, caches.Value.MaxFirstVisitPages),
            // Expired entries are swept out by the first visit to any such page once a lifetime has passed since the last
            // sweep, not only when their own page is asked for again (a product nobody visits again).
            ExpirationScanFrequency = _lifetime,
            Clock = new TimeProviderClock(clock),
        });
    }

    private sealed record Entry(byte[] Head, byte[] Tail, string ContentType);

    /// <summary>Forgets every stored page (a product changed; tests reset and re-seed the catalog between them).</summary>
    internal void Clear() => _pages.Clear();

    internal int Count => _pages.Count;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Applies(context) || KeyOf(context) is not { } key)
        {
            await next(context);
            return;
        }

        if (_pages.TryGetValue(key, out Entry? entry) && entry is not null)
        {
            await ServeAsync(context, entry);
            return;
        }

        await RenderAndStoreAsync(context, next, key);
    }

    /// <summary>
    /// GETs without any cookie (no cart, sign-in or message to leak) and without a query string, of a page marked
    /// <see cref="FirstVisitCacheAttribute"/>. The product page reads no query value, so a query string (a campaign
    /// tag, a handler name) is rendered fresh rather than stored: it cannot add entries, nor reach a handler through the cache.
    /// </summary>
    private bool Applies(HttpContext context) =>
        _enabled
        && HttpMethods.IsGet(context.Request.Method)
        && context.Request.Cookies.Count == 0
        && !context.Request.QueryString.HasValue
        && context.GetEndpoint()?.Metadata.GetMetadata<FirstVisitCacheAttribute>() is not null;

    /// <summary>
    /// The page's route and the values routing took from the path, not the path as typed: <c>/Products/kiambu-aa</c>,
    /// <c>/products/kiambu-aa/</c> and <c>/PRODUCTS/kiambu-aa</c> are one page with one slug, so one entry (routing
    /// matches the route's literal segments case-insensitively and ignores a trailing slash). The values are kept
    /// as routing gave them: the page looks its slug up case-sensitively, so <c>/Products/KIAMBU-AA</c> is another
    /// answer (a 404, never stored), and lower-casing it here would serve a page a fresh rendering would not.
    /// </summary>
    private static string? KeyOf(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern: { RawText: { } route } pattern })
        {
            return null;
        }

        var key = new StringBuilder(route);
        foreach (var parameter in pattern.Parameters)
        {
            var value = context.Request.RouteValues.TryGetValue(parameter.Name, out var routed) ? Convert.ToString(routed, CultureInfo.InvariantCulture) : null;
            // Escaped, so no value can forge the separators of another key.
            key.Append('?').Append(parameter.Name).Append('=').Append(Uri.EscapeDataString(value ?? ""));
        }

        return key.ToString();
    }

    private async Task ServeAsync(HttpContext context, Entry entry)
    {
        // Sets this visitor's antiforgery cookie and the no-store headers, as the form tag helper does.
        var token = Encoding.ASCII.GetBytes(_antiforgery.GetAndStoreTokens(context).RequestToken!);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = entry.ContentType;
        response.ContentLength = entry.Head.Length + token.Length + entry.Tail.Length;
        await response.Body.WriteAsync(entry.Head, context.RequestAborted);
        await response.Body.WriteAsync(token, context.RequestAborted);
        await response.Body.WriteAsync(entry.Tail, context.RequestAborted);
    }

    private async Task RenderAndStoreAsync(HttpContext context, RequestDelegate next, string key)
    {
        var original = context.Response.Body;
        using var rendered = new MemoryStream();
        context.Response.Body = rendered;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (TrySplit(context, rendered) is ({ } head, { } tail))
        {
            _pages.Set(key, new Entry(head, tail, context.Response.ContentType!), new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = _clock.GetUtcNow() + _lifetime,
            });
        }

        rendered.Position = 0;
        await rendered.CopyToAsync(original, context.RequestAborted);
    }

    private (byte[]?, byte[]?) TrySplit(HttpContext context, MemoryStream rendered)
    {
        var response = context.Response;
        if (response.StatusCode != StatusCodes.Status200OK
            || response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true
            || response.Headers.ContentEncoding.Count > 0
            || response.Headers.SetCookie.Any(cookie => cookie is null || !IsAntiforgeryCookie(cookie)))
        {
            return (null, null);
        }

        var html = Encoding.UTF8.GetString(rendered.GetBuffer(), 0, (int)rendered.Length);
        var start = html.IndexOf(TokenField, StringComparison.Ordinal);
        if (start < 0
            || html.IndexOf(TokenField, start + TokenField.Length, StringComparison.Ordinal) >= 0
            || html.Contains(" nonce=", StringComparison.Ordinal))
        {
            return (null, null);
        }

        start += TokenField.Length;
        var end = html.IndexOf('"', start);
        return end < 0
            ? (null, null)
            : (Encoding.UTF8.GetBytes(html[..start]), Encoding.UTF8.GetBytes(html[end..]));
    }

    private bool IsAntiforgeryCookie(string setCookie) =>
        SetCookieHeaderValue.TryParse(setCookie, out var cookie)
        && cookie.Name.Equals(_antiforgeryOptions.Value.Cookie.Name, StringComparison.Ordinal);

    public void Dispose() => _pages.Dispose();

    /// <summary>The cache's expirations on the app's <see cref="TimeProvider"/>, so tests can move time.</summary>
    private sealed class TimeProviderClock(TimeProvider clock) : ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
