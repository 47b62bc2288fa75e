using System.Buffers.Binary;
using System.Security.Cryptography;
using SkiaSharp;

namespace CoffeeShop.Web.Catalog.Photos;

/// <summary>
/// Turns an uploaded file into the shop's own photo, or refuses it with a message for the admin.
/// Nothing of the upload is served as sent: the file must be a JPEG, PNG or WebP by its bytes (its name
/// and Content-Type are ignored), whole, without other data riding along (a ZIP or anything after the
/// image's end), and of a sane size in bytes and in pixels (its header is read before any pixel is
/// decoded). Its pixels are decoded, turned upright by its EXIF orientation, and encoded again at the
/// card and page widths as WebP and JPEG; the new files carry no EXIF or other metadata.
/// </summary>
public static class PhotoProcessor
{
    /// <summary>The largest file accepted: 5 MB.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>The longest side accepted, in pixels.</summary>
    public const int MaxSide = 10_000;

    /// <summary>The most pixels accepted (40 megapixels): a bigger picture would take too much memory to decode.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>The widths made, when the photo is at least that wide; a narrower photo gets one rendition at its own width.</summary>
    public static readonly IReadOnlyList<int> Widths = [320, 640, 1280];

    public const int WebpQuality = 75;
    public const int JpegQuality = 80;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] ZipLocalHeader = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] ZipCentralHeader = [0x50, 0x4B, 0x01, 0x02];

    /// <summary>Reads <paramref name="file"/> and makes its renditions, or says why it is refused.</summary>
    public static PhotoOutcome Process(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0)
        {
            return PhotoOutcome.Refused(PhotoProblems.Empty);
        }

        if (file.Length > MaxBytes)
        {
            return PhotoOutcome.Refused(PhotoProblems.TooLarge);
        }

        var format = Sniff(file);
        if (format is null)
        {
            return PhotoOutcome.Refused(PhotoProblems.NotAPhoto);
        }

        if (file.IndexOf(ZipLocalHeader) >= 0 || file.IndexOf(ZipCentralHeader) >= 0)
        {
            return PhotoOutcome.Refused(PhotoProblems.HiddenData);
        }

        var end = format switch
        {
            SKEncodedImageFormat.Png => PngEnd(file),
            SKEncodedImageFormat.Jpeg => JpegEnd(file),
            _ => WebpEnd(file),
        };
        if (end is null)
        {
            return PhotoOutcome.Refused(PhotoProblems.Damaged);
        }

        if (HasDataAfter(file, end.Value, format.Value))
        {
            return PhotoOutcome.Refused(PhotoProblems.HiddenData);
        }

        return Decode(file.ToArray(), format.Value);
    }

    private static PhotoOutcome Decode(byte[] file, SKEncodedImageFormat format)
    {
        // The codec owns the stream from here and disposes of it.
        using var codec = SKCodec.Create(new SKMemoryStream(file), out var created);
        if (codec is null || created != SKCodecResult.Success)
        {
            return PhotoOutcome.Refused(PhotoProblems.Damaged);
        }

        if (codec.EncodedFormat != format)
        {
            return PhotoOutcome.Refused(PhotoProblems.NotAPhoto);
        }

        // The header alone: a small file may declare a picture that would take gigabytes to decode.
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            return PhotoOutcome.Refused(PhotoProblems.Damaged);
        }

        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
        {
            return PhotoOutcome.Refused(PhotoProblems.TooManyPixels(width, height));
        }

        var origin = codec.EncodedOrigin;
        var swaps = SwapsSides(origin);
        var uprightWidth = swaps ? height : width;
        var widths = WidthsFor(uprightWidth);

        // A JPEG can be decoded straight at a half, quarter or eighth of its size: enough pixels for the
        // largest rendition at a fraction of the memory and time of the full picture.
        var size = codec.GetScaledDimensions((float)widths[^1] / uprightWidth);
        if ((swaps ? size.Height : size.Width) < widths[^1] || size.Width <= 0 || size.Height <= 0)
        {
            size = new SKSizeI(width, height);
        }

        var opaque = codec.Info.AlphaType == SKAlphaType.Opaque;
        var info = new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType, opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        using var decoded = new SKBitmap();
        if (!decoded.TryAllocPixels(info))
        {
            return PhotoOutcome.Refused(PhotoProblems.TooManyPixels(width, height));
        }

        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            return PhotoOutcome.Refused(PhotoProblems.Damaged);
        }

        decoded.SetImmutable();
        using var source = SKImage.FromBitmap(decoded);
        var uprightSize = swaps ? new SKSizeI(size.Height, size.Width) : size;
        var aspect = (double)uprightSize.Height / uprightSize.Width;

        var renditions = new List<PhotoRendition>(widths.Count * 2);
        SKImage? previous = null;
        try
        {
            // The largest from the decoded picture (turned upright), each smaller one from the one above it.
            for (var i = widths.Count - 1; i >= 0; i--)
            {
                var w = widths[i];
                var h = Math.Max(1, (int)Math.Round(w * aspect, MidpointRounding.AwayFromZero));
                var image = previous is null
                    ? Draw(source, w, h, Upright(origin, size.Width, size.Height), uprightSize)
                    : Draw(previous, w, h, SKMatrix.Identity, new SKSizeI(previous.Width, previous.Height));
                renditions.Add(Encode(image, w, h, PhotoFormats.Webp));
                renditions.Add(Encode(image, w, h, PhotoFormats.Jpeg));
                previous?.Dispose();
                previous = image;
            }
        }
        finally
        {
            previous?.Dispose();
        }

        renditions.Reverse();
        var largest = renditions.Last(r => r.Format == PhotoFormats.Webp);
        var hash = Convert.ToHexStringLower(SHA256.HashData(largest.Content));
        return PhotoOutcome.Accepted(new ProcessedPhoto(hash, largest.Width, largest.Height, renditions));
    }

    /// <summary>The widths to make for a photo this wide (upright), smallest first.</summary>
    public static IReadOnlyList<int> WidthsFor(int width)
    {
        var widths = Widths.Where(w => w <= width).ToList();
        return widths.Count > 0 ? widths : [width];
    }

    private static SKImage Draw(SKImage source, int width, int height, SKMatrix upright, SKSizeI uprightSize)
    {
        var info = new SKImageInfo(width, height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("No surface for a photo rendition.");
        var canvas = surface.Canvas;
        // JPEG has no transparency: a transparent PNG or WebP is laid on white, as the shop's cards are.
        canvas.Clear(SKColors.White);
        canvas.Scale((float)width / uprightSize.Width, (float)height / uprightSize.Height);
        canvas.Concat(in upright);
        using var paint = new SKPaint();
        canvas.DrawImage(source, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        canvas.Flush();
        return surface.Snapshot();
    }

    private static PhotoRendition Encode(SKImage image, int width, int height, string format)
    {
        using var pixmap = image.PeekPixels() ?? throw new InvalidOperationException("A photo rendition has no pixels.");
        using var stream = new MemoryStream();
        var written = format == PhotoFormats.Webp
            ? pixmap.Encode(stream, new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, WebpQuality))
            : pixmap.Encode(stream, new SKJpegEncoderOptions(JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        if (!written)
        {
            throw new InvalidOperationException($"Could not encode a {format} rendition.");
        }

        return new PhotoRendition(width, height, format, stream.ToArray());
    }

    private static bool SwapsSides(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The transform that turns a <paramref name="w"/>×<paramref name="h"/> picture stored with <paramref name="origin"/> upright.</summary>
    private static SKMatrix Upright(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    /// <summary>The format the file's first bytes announce, or null when it is none of the three.</summary>
    public static SKEncodedImageFormat? Sniff(ReadOnlySpan<byte> file)
    {
        if (file.Length >= 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF)
        {
            return SKEncodedImageFormat.Jpeg;
        }

        if (file.StartsWith(PngSignature))
        {
            return SKEncodedImageFormat.Png;
        }

        if (file.Length >= 12 && file[..4].SequenceEqual("RIFF"u8) && file[8..12].SequenceEqual("WEBP"u8))
        {
            return SKEncodedImageFormat.Webp;
        }

        return null;
    }

    /// <summary>Where a PNG ends: just after its IEND chunk; null when the chunks run past the file.</summary>
    private static int? PngEnd(ReadOnlySpan<byte> file)
    {
        var at = PngSignature.Length;
        while (at + 12 <= file.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(file[at..]);
            if (length > int.MaxValue || at + 12L + length > file.Length)
            {
                return null;
            }

            var type = file.Slice(at + 4, 4);
            at += 12 + (int)length;
            if (type.SequenceEqual("IEND"u8))
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>
    /// Where a JPEG ends: just after the EOI marker that closes its last scan, found by walking its
    /// segments (so a thumbnail's markers inside EXIF are skipped) and its entropy-coded data; null when
    /// the file stops first.
    /// </summary>
    private static int? JpegEnd(ReadOnlySpan<byte> file)
    {
        var at = 2;
        while (at < file.Length)
        {
            if (file[at] != 0xFF)
            {
                return null;
            }

            while (at < file.Length && file[at] == 0xFF)
            {
                at++;
            }

            if (at >= file.Length)
            {
                return null;
            }

            var marker = file[at++];
            if (marker == 0xD9)
            {
                return at;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (at + 2 > file.Length)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(file[at..]);
            if (length < 2 || at + length > file.Length)
            {
                return null;
            }

            at += length;
            if (marker == 0xDA)
            {
                // Entropy-coded data: runs until a marker other than a stuffed 0xFF00 or a restart marker.
                while (true)
                {
                    var next = file[at..].IndexOf((byte)0xFF);
                    if (next < 0 || at + next + 1 >= file.Length)
                    {
                        return null;
                    }

                    at += next;
                    var after = file[at + 1];
                    if (after == 0x00 || after is >= 0xD0 and <= 0xD7)
                    {
                        at += 2;
                        continue;
                    }

                    if (after == 0xFF)
                    {
                        at++;
                        continue;
                    }

                    break;
                }
            }
        }

        return null;
    }

    /// <summary>Where a WebP ends, by its RIFF size; null when the file is shorter than that.</summary>
    private static int? WebpEnd(ReadOnlySpan<byte> file)
    {
        var size = BinaryPrimitives.ReadUInt32LittleEndian(file[4..]);
        var end = 8L + size + (size % 2);
        return end <= file.Length ? (int)end : null;
    }

    /// <summary>Whether anything but padding follows the image's end.</summary>
    private static bool HasDataAfter(ReadOnlySpan<byte> file, int end, SKEncodedImageFormat format)
    {
        var rest = file[end..];
        // Some cameras pad a JPEG after its end with zeros or 0xFF.
        return format == SKEncodedImageFormat.Jpeg
            ? rest.IndexOfAnyExcept((byte)0x00, (byte)0xFF) >= 0
            : !rest.IsEmpty;
    }
}
