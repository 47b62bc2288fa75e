using Microsoft.Net.Http.Headers;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Marks a page the browser may restore from its back/forward cache when the customer goes back to it. Its
/// form's antiforgery token makes the framework answer <c>Cache-Control: no-cache, no-store</c>, and
/// <c>no-store</c> keeps a page out of Chromium's back/forward cache; such a page is answered
/// <c>private, no-cache</c> instead: still never kept by a shared cache and never reused from the HTTP cache
/// without asking the shop, but restorable as the live page it was (docs/adr/0023-product-pages-restorable-from-the-back-forward-cache.md).
/// Not for pages with personal data: those stay <see cref="NoStoreAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RestorableFromHistoryAttribute : Attribute
{
    public const string CacheControl = "private, no-cache";

    /// <summary>
    /// After routing and before the page caches, so the first-visit cache's copies (whose token is made for each
    /// visitor, with the same headers) are answered the same way.
    /// </summary>
    public static IApplicationBuilder UseRestorableFromHistory(IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RestorableFromHistoryAttribute>() is not null)
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase))
                {
                    headers.CacheControl = CacheControl;
                    headers.Remove(HeaderNames.Pragma);
                }

                return Task.CompletedTask;
            });
        }

        return next(context);
    });
}
