namespace CoffeeShop.Web.Catalog.Photos;

/// <summary>The two encodings every rendition is made in, as stored and as named in URLs.</summary>
public static class PhotoFormats
{
    public const string Webp = "webp";
    public const string Jpeg = "jpeg";

    /// <summary>The URL extension of a format: "webp" or "jpg".</summary>
    public static string Extension(string format) => format == Jpeg ? "jpg" : Webp;

    /// <summary>The format a URL extension names, or null.</summary>
    public static string? FromExtension(string extension) => extension switch
    {
        "webp" => Webp,
        "jpg" => Jpeg,
        _ => null,
    };

    public static string ContentType(string format) => format == Jpeg ? "image/jpeg" : "image/webp";
}

/// <summary>One encoded size of a processed photo.</summary>
public sealed record PhotoRendition(int Width, int Height, string Format, byte[] Content);

/// <summary>A photo as the shop made it: its renditions (smallest first) and the hash that names them.</summary>
public sealed record ProcessedPhoto(string Hash, int Width, int Height, IReadOnlyList<PhotoRendition> Renditions)
{
    public int[] Widths => Renditions.Select(r => r.Width).Distinct().Order().ToArray();
}

/// <summary>What became of an upload: a photo, or the reason it was refused.</summary>
public sealed record PhotoOutcome(ProcessedPhoto? Photo, string? Problem)
{
    public static PhotoOutcome Accepted(ProcessedPhoto photo) => new(photo, null);

    public static PhotoOutcome Refused(string problem) => new(null, problem);
}

/// <summary>Why an upload is refused, in words for the admin.</summary>
public static class PhotoProblems
{
    public const string Missing = "Choose a photo to upload.";
    public const string Empty = "This file is empty: choose a photo to upload.";
    public const string TooLarge = "The photo is larger than 5 MB. Save it smaller (for example 2000 pixels wide) and upload it again.";
    public const string NotAPhoto = "Upload a JPEG, PNG or WebP photo: this file is not one.";
    public const string Damaged = "This image is damaged or cut short. Save it again and upload the new file.";
    public const string HiddenData = "This file carries other data besides the image (such as a ZIP archive). Save the photo again as a plain image and upload that.";

    public static string TooManyPixels(int width, int height) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"The photo is too big in pixels ({width} × {height}). Upload one at most {PhotoProcessor.MaxSide} pixels a side and {PhotoProcessor.MaxPixels / 1_000_000} megapixels.");
}
