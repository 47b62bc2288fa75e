using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace CoffeeShop.Web.Catalog.Photos;

public static partial class PhotoRegistration
{
    /// <summary>A year: a photo URL names its content by hash, so what it serves never changes.</summary>
    public const string CacheControl = "public, max-age=31536000, immutable";

    public static IServiceCollection AddCatalogPhotos(this IServiceCollection services)
    {
        services.AddScoped<IPhotoStore, PostgresPhotoStore>();
        return services;
    }

    /// <summary>GET /photos/{hash}/{width}.{webp|jpg}: a rendition's bytes, cacheable for a year by browsers and CDNs.</summary>
    public static IEndpointRouteBuilder MapProductPhotos(this IEndpointRouteBuilder app)
    {
        app.MapGet("/photos/{hash}/{width:int}.{ext}", async (string hash, int width, string ext, IPhotoStore store, HttpContext context, CancellationToken cancellationToken) =>
        {
            if (!HashShape().IsMatch(hash) || PhotoFormats.FromExtension(ext) is not { } format || width is <= 0 or > PhotoProcessor.MaxSide)
            {
                return Results.NotFound();
            }

            var file = await store.FindAsync(hash, width, format, cancellationToken);
            if (file is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = CacheControl;
            return Results.Bytes(file.Content, PhotoFormats.ContentType(format), entityTag: new EntityTagHeaderValue($"\"{hash}\""));
        });
        return app;
    }

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex HashShape();
}
