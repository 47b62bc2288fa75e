namespace CoffeeShop.Web.Domain;

/// <summary>
/// An uploaded product photo, decoded and re-encoded by the shop; its <see cref="Hash"/> (of the
/// re-encoded pixels) names its URLs, so a URL's content never changes and can be cached for a year.
/// </summary>
public class ProductPhoto
{
    public required string Hash { get; set; }

    /// <summary>The size of the largest rendition, in pixels.</summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>The widths made, smallest first; each has a WebP and a JPEG rendition.</summary>
    public required int[] Widths { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}
