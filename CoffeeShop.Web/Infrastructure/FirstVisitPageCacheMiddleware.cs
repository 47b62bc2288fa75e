using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
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
/// no cookie other than the antiforgery one.
/// </summary>
/// <remarks>A singleton (registered in WebRegistration), so every request shares one store.</remarks>
public sealed class FirstVisitPageCacheMiddleware(IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<PageCacheOptions> caches, TimeProvider clock) : IMiddleware
{
    private readonly TimeSpan _lifetime = caches.Value.Lifetime;

    private const string TokenField = "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"";

    private readonly ConcurrentDictionary<string, Entry> _pages = new(StringComparer.Ordinal);

    private sealed record Entry(byte[] Head, byte[] Tail, string ContentType, DateTimeOffset Expires);

    /// <summary>Forgets every stored page (tests reset and re-seed the catalog between them).</summary>
    internal void Clear() => _pages.Clear();

    internal int Count => _pages.Count;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Applies(context))
        {
            await next(context);
            return;
        }

        var key = context.Request.Path.Value ?? "/";
        if (_pages.TryGetValue(key, out var entry) && entry.Expires > clock.GetUtcNow())
        {
            await ServeAsync(context, entry);
            return;
        }

        await RenderAndStoreAsync(context, next, key);
    }

    private static bool Applies(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.Request.Cookies.Count == 0
        && !context.Request.QueryString.HasValue
        && context.GetEndpoint()?.Metadata.GetMetadata<FirstVisitCacheAttribute>() is not null;

    private async Task ServeAsync(HttpContext context, Entry entry)
    {
        // Sets this visitor's antiforgery cookie and the no-store headers, as the form tag helper does.
        var token = Encoding.ASCII.GetBytes(antiforgery.GetAndStoreTokens(context).RequestToken!);
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
            _pages[key] = new Entry(head, tail, context.Response.ContentType!, clock.GetUtcNow() + _lifetime);
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
        && cookie.Name.Equals(antiforgeryOptions.Value.Cookie.Name, StringComparison.Ordinal);
}
