using System.Text;
using System.Xml;
using CoffeeShop.Web.Data;
using CoffeeShop.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Discovery;

/// <summary>
/// <c>/robots.txt</c> and <c>/sitemap.xml</c>, for crawlers (no cookies): served from the catalog's output cache
/// (evicted with it when a product changes) and cached by clients for an hour.
/// </summary>
public static class SearchEngineFiles
{
    public const string RobotsPath = "/robots.txt";
    public const string SitemapPath = "/sitemap.xml";
    public const string ClientCaching = "public, max-age=3600";

    public static IServiceCollection AddDiscovery(this IServiceCollection services)
    {
        services.AddSingleton<PublicAddress>();
        return services;
    }

    public static WebApplication MapSearchEngineFiles(this WebApplication app)
    {
        app.MapGet(RobotsPath, (HttpContext context, EndpointDataSource endpoints, PublicAddress address) =>
        {
            context.Response.Headers.CacheControl = ClientCaching;
            return Results.Text(Robots(endpoints.Endpoints, address.BaseFor(context.Request)), "text/plain; charset=utf-8");
        }).CacheOutput(WebRegistration.AnonymousCatalog);

        app.MapGet(SitemapPath, async (HttpContext context, AppDbContext db, PublicAddress address, CancellationToken cancellationToken) =>
        {
            var slugs = await db.Products.AsNoTracking().Where(p => p.IsActive).Select(p => p.Slug).ToListAsync(cancellationToken);
            context.Response.Headers.CacheControl = ClientCaching;
            return Results.Text(Sitemap(address.BaseFor(context.Request), slugs.Order(StringComparer.Ordinal)), "application/xml; charset=utf-8", Encoding.UTF8);
        }).CacheOutput(WebRegistration.AnonymousCatalog);
        return app;
    }

    /// <summary>
    /// Disallows the pages marked <see cref="NoIndexAttribute"/> (so the list follows the pages, not a list of
    /// addresses kept here): for each, the shortest run of its leading literal segments that no page to be indexed
    /// starts with (<c>/Admin</c> for every admin page; <c>/Identity/Account</c>, as the Identity area has other pages).
    /// </summary>
    internal static string Robots(IEnumerable<Endpoint> endpoints, Uri shop)
    {
        var pages = endpoints.OfType<RouteEndpoint>().Where(e => e.Metadata.GetMetadata<ActionDescriptor>() is not null).ToList();
        var indexed = pages.Where(e => !NoIndexAttribute.IsOn(e)).Select(LiteralPrefix).ToList();
        var disallowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var hidden in pages.Where(NoIndexAttribute.IsOn).Select(LiteralPrefix))
        {
            for (var length = 1; length <= hidden.Count; length++)
            {
                var prefix = hidden.Take(length).ToList();
                if (!indexed.Any(page => page.Count >= length && page.Take(length).SequenceEqual(prefix, StringComparer.OrdinalIgnoreCase)))
                {
                    disallowed.Add("/" + string.Join('/', prefix));
                    break;
                }
            }
        }

        var text = new StringBuilder("User-agent: *\n");
        // A prefix already disallowed covers the longer ones under it.
        foreach (var path in disallowed.Where(path => !disallowed.Any(shorter => shorter != path && path.StartsWith(shorter + "/", StringComparison.Ordinal))))
        {
            text.Append("Disallow: ").Append(path).Append('\n');
        }

        text.Append("\nSitemap: ").Append(new Uri(shop, SitemapPath.TrimStart('/')).AbsoluteUri).Append('\n');
        return text.ToString();
    }

    private static List<string> LiteralPrefix(RouteEndpoint endpoint) =>
        [.. endpoint.RoutePattern.PathSegments.TakeWhile(s => s.Parts is [RoutePatternLiteralPart]).Select(s => ((RoutePatternLiteralPart)s.Parts[0]).Content)];

    /// <summary>The catalog and every active product (sitemaps.org protocol).</summary>
    internal static string Sitemap(Uri shop, IEnumerable<string> productSlugs)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(new StringWriter(text), new XmlWriterSettings { Indent = false, OmitXmlDeclaration = false }))
        {
            const string Ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
            xml.WriteStartElement("urlset", Ns);
            foreach (var location in productSlugs.Select(slug => new Uri(shop, $"Products/{slug}")).Prepend(shop))
            {
                xml.WriteStartElement("url", Ns);
                xml.WriteElementString("loc", Ns, location.AbsoluteUri);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // StringWriter declares UTF-16; the response is UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }
}
