using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace CoffeeShop.Web.Tests.Catalog;

/// <summary>Images made in code for the photo tests: real ones, and the bad files an upload must refuse.</summary>
public static class TestImages
{
    /// <summary>A picture whose left half is red and right half blue, so a turn shows where they end up.</summary>
    public static SKBitmap TwoColours(int width, int height)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Red);
        using var blue = new SKPaint { Color = SKColors.Blue };
        canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        return bitmap;
    }

    /// <summary>Random pixels: the worst case for an encoder, so a big one is near 5 MB as a JPEG.</summary>
    public static SKBitmap Noise(int width, int height, int seed = 15)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var random = new Random(seed);
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width = 800, int height = 600) { using var b = TwoColours(width, height); return Encode(b, SKEncodedImageFormat.Jpeg); }

    public static byte[] Png(int width = 800, int height = 600) { using var b = TwoColours(width, height); return Encode(b, SKEncodedImageFormat.Png); }

    public static byte[] Webp(int width = 800, int height = 600) { using var b = TwoColours(width, height); return Encode(b, SKEncodedImageFormat.Webp); }

    /// <summary>A JPEG carrying an EXIF APP1 segment (orientation, camera make and a GPS-ish comment) right after its SOI.</summary>
    public static byte[] JpegWithExif(int width, int height, ushort orientation)
    {
        var jpeg = Jpeg(width, height);
        // TIFF header (big-endian), one IFD with Orientation (SHORT) and Make (ASCII, at an offset).
        var make = Encoding.ASCII.GetBytes("SecretCam GPS 51.5N\0");
        var tiff = new List<byte>();
        tiff.AddRange("MM"u8.ToArray());
        tiff.AddRange(BigEndian16(42));
        tiff.AddRange(BigEndian32(8));
        tiff.AddRange(BigEndian16(2));
        // Orientation: tag 0x0112, SHORT (3), count 1, value in the first two bytes.
        tiff.AddRange(BigEndian16(0x0112)); tiff.AddRange(BigEndian16(3)); tiff.AddRange(BigEndian32(1)); tiff.AddRange(BigEndian16(orientation)); tiff.AddRange(BigEndian16(0));
        // Make: tag 0x010F, ASCII (2), its bytes after the IFD.
        var makeOffset = 8 + 2 + 2 * 12 + 4;
        tiff.AddRange(BigEndian16(0x010F)); tiff.AddRange(BigEndian16(2)); tiff.AddRange(BigEndian32((uint)make.Length)); tiff.AddRange(BigEndian32((uint)makeOffset));
        tiff.AddRange(BigEndian32(0));
        tiff.AddRange(make);
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[] { 0xFF, 0xE1 }.Concat(BigEndian16((ushort)(payload.Length + 2))).Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }

    /// <summary>A PNG of a few hundred bytes whose header declares <paramref name="width"/>×<paramref name="height"/> (a decompression bomb's header).</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        Chunk(output, "IHDR", ihdr);
        // A little zlib data: a few rows of zeros; a decoder that trusted the header would allocate 10 GB first.
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[64 * 1024]);
        }

        Chunk(output, "IDAT", compressed.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A small ZIP archive holding one file.</summary>
    public static byte[] Zip()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("payload.html");
            using var writer = new StreamWriter(entry.Open());
            writer.Write("<script>alert(1)</script>");
        }

        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        output.Write(BigEndian32((uint)data.Length));
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typeAndData);
        output.Write(BigEndian32(Crc32(typeAndData)));
    }

    /// <summary>PNG's CRC-32 (polynomial 0xEDB88320), bit by bit: a few hundred bytes need no table.</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] BigEndian16(ushort value) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, value); return b; }

    private static byte[] BigEndian32(uint value) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, value); return b; }
}
