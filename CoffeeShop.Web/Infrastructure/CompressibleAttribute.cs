using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Marks a page whose answers may be compressed (Brotli or gzip, whichever the browser prefers). Compressing a
/// page over HTTPS is safe only while it carries no secret beside text an attacker can put in it (BREACH): a page
/// with an antiforgery token or anything personal must not be marked. Answers to a signed-in admin are never
/// compressed, whatever the page: the layout gives them a sign-out form with its token. Other HTML goes out as is.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CompressibleAttribute : Attribute
{
    public static bool IsOn(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<CompressibleAttribute>() is not null;

    public static IServiceCollection AddCompressiblePages(IServiceCollection services)
    {
        // Registered before AddResponseCompression, whose own provider is only added when none is.
        services.AddSingleton<IResponseCompressionProvider, MarkedPagesOnly>();
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ["text/html"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        // The fastest levels: a 7 KB page shrinks to about 2 KB either way, for tens of microseconds of CPU.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return services;
    }

    private sealed class MarkedPagesOnly(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context) =>
            IsOn(context.GetEndpoint()) && context.User.Identity?.IsAuthenticated != true && base.ShouldCompressResponse(context);
    }
}
