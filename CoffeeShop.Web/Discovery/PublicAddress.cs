using CoffeeShop.Web.Messaging;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Discovery;

/// <summary>
/// The shop's public address for what search engines and shared links keep (canonical links, Open Graph,
/// JSON-LD, the sitemap): the setting <c>Email:ShopUrl</c>, the one home of that address (emailed links start
/// with it too), required and https outside Development. Never the request's Host header: a product page
/// rendered for one visitor is shared with the next (first-visit cache, docs/adr/0008), so a forged Host in one
/// request would otherwise reach everyone's canonical link. Without the setting (Development only) pages carry
/// no canonical link; the sitemap and robots.txt, cached per host, name the request's own.
/// </summary>
public sealed class PublicAddress(IOptions<EmailOptions> email)
{
    /// <summary>The configured address, ending in '/', or null when none (or no http(s) one) is set.</summary>
    public Uri? Base { get; } = Uri.TryCreate(email.Value.ShopUrl, UriKind.Absolute, out var shop) && shop.Scheme is "https" or "http"
        ? new Uri(shop.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/")
        : null;

    /// <summary>The absolute address of a path of the shop (such as <c>/Products/kiambu-aa</c>), or null without a configured address.</summary>
    public string? Of(string path) => Base is { } root ? new Uri(root, path.TrimStart('/')).AbsoluteUri : null;

    /// <summary>The configured address, else (Development only: the setting is required elsewhere) the request's.</summary>
    public Uri BaseFor(HttpRequest request) => Base ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
}
