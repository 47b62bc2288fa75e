using System.Text;
using CoffeeShop.Web.Catalog.Photos;
using SkiaSharp;

namespace CoffeeShop.Web.Tests.Catalog;

/// <summary>The photo processor on its own: what it makes of good photos, and every bad file it must refuse.</summary>
public class PhotoProcessorTests
{
    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("webp")]
    public void A_photo_gets_every_width_up_to_its_own_in_WebP_and_JPEG(string kind)
    {
        var file = kind switch { "jpeg" => TestImages.Jpeg(1500, 1000), "png" => TestImages.Png(1500, 1000), _ => TestImages.Webp(1500, 1000) };

        var photo = Accepted(file);

        Assert.Equal([320, 640, 1280], photo.Widths);
        Assert.Equal((1280, 853), (photo.Width, photo.Height));
        foreach (var width in new[] { 320, 640, 1280 })
        {
            foreach (var (format, encoded) in new[] { ("webp", SKEncodedImageFormat.Webp), ("jpeg", SKEncodedImageFormat.Jpeg) })
            {
                var rendition = Assert.Single(photo.Renditions, r => r.Width == width && r.Format == format);
                using var codec = SKCodec.Create(new SKMemoryStream(rendition.Content));
                Assert.Equal(encoded, codec.EncodedFormat);
                Assert.Equal(width, codec.Info.Width);
                Assert.Equal((int)Math.Round(width * 1000 / 1500.0, MidpointRounding.AwayFromZero), codec.Info.Height);
            }
        }

        Assert.Equal(64, photo.Hash.Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo.Renditions.Single(r => r.Width == 1280 && r.Format == "webp").Content)), photo.Hash);
    }

    [Fact]
    public void A_narrow_photo_is_not_scaled_up()
    {
        var photo = Accepted(TestImages.Png(700, 300));
        Assert.Equal([320, 640], photo.Widths);

        var tiny = Accepted(TestImages.Png(200, 100));
        Assert.Equal([200], tiny.Widths);
        Assert.Equal((200, 100), (tiny.Width, tiny.Height));
    }

    [Fact]
    public void The_EXIF_orientation_is_applied_and_every_EXIF_byte_is_gone()
    {
        // Stored sideways (left half red, right half blue), EXIF 6 says: turn 90° clockwise to view.
        var file = TestImages.JpegWithExif(1400, 700, orientation: 6);
        Assert.Contains("SecretCam", Encoding.ASCII.GetString(file));

        var photo = Accepted(file);

        // Upright it is 700 wide and 1400 high: the red (left) half is now on top.
        Assert.Equal([320, 640], photo.Widths);
        Assert.Equal((640, 1280), (photo.Width, photo.Height));
        var jpeg = photo.Renditions.Single(r => r.Width == 320 && r.Format == "jpeg");
        using var bitmap = SKBitmap.Decode(jpeg.Content);
        Assert.Equal((320, 640), (bitmap.Width, bitmap.Height));
        var top = bitmap.GetPixel(160, 100);
        var bottom = bitmap.GetPixel(160, 540);
        Assert.True(top.Red > 200 && top.Blue < 60, $"top is {top}");
        Assert.True(bottom.Blue > 200 && bottom.Red < 60, $"bottom is {bottom}");
        foreach (var rendition in photo.Renditions)
        {
            var text = Encoding.ASCII.GetString(rendition.Content);
            Assert.DoesNotContain("Exif", text, StringComparison.Ordinal);
            Assert.DoesNotContain("SecretCam", text, StringComparison.Ordinal);
            Assert.DoesNotContain("EXIF", text, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string> BadFiles() => [.. BadFile.Cases.Keys];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_refused_with_a_message(string name)
    {
        var (bytes, problem) = BadFile.Cases[name];
        if (bytes is null)
        {
            return; // "no file at all" exists only for the upload form.
        }

        var outcome = PhotoProcessor.Process(bytes());
        Assert.Null(outcome.Photo);
        Assert.Equal(problem, outcome.Problem);
    }

    private static ProcessedPhoto Accepted(byte[] file)
    {
        var outcome = PhotoProcessor.Process(file);
        Assert.True(outcome.Photo is not null, outcome.Problem);
        return outcome.Photo;
    }
}

/// <summary>The bad uploads, shared by the processor's tests and the upload form's: the file and the message it must get.</summary>
public static class BadFile
{
    public static readonly Dictionary<string, (Func<byte[]>? Bytes, string Problem)> Cases = new()
    {
        ["SVG named .png"] = (() => Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"10\" height=\"10\"/></svg>"), PhotoProblems.NotAPhoto),
        ["ZIP named .png"] = (TestImages.Zip, PhotoProblems.NotAPhoto),
        ["PNG with a ZIP appended"] = (() => [.. TestImages.Png(400, 300), .. TestImages.Zip()], PhotoProblems.HiddenData),
        ["JPEG with a ZIP appended"] = (() => [.. TestImages.Jpeg(400, 300), .. TestImages.Zip()], PhotoProblems.HiddenData),
        ["PNG with bytes after IEND"] = (() => [.. TestImages.Png(400, 300), .. "<?php echo 1; ?>"u8.ToArray()], PhotoProblems.HiddenData),
        ["JPEG with bytes after its end"] = (() => [.. TestImages.Jpeg(400, 300), .. "<script>alert(1)</script>"u8.ToArray()], PhotoProblems.HiddenData),
        ["PNG declaring 50000 x 50000"] = (() => TestImages.PngDeclaring(50_000, 50_000), PhotoProblems.TooManyPixels(50_000, 50_000)),
        ["PNG declaring 9000 x 9000 (81 megapixels)"] = (() => TestImages.PngDeclaring(9_000, 9_000), PhotoProblems.TooManyPixels(9_000, 9_000)),
        ["empty file"] = (() => [], PhotoProblems.Empty),
        ["first half of a JPEG"] = (() => Half(TestImages.Jpeg(800, 600)), PhotoProblems.Damaged),
        ["first half of a PNG"] = (() => Half(TestImages.Png(800, 600)), PhotoProblems.Damaged),
        ["first half of a WebP"] = (() => Half(TestImages.Webp(800, 600)), PhotoProblems.Damaged),
        ["PNG with its pixels cut out"] = (() => TestImages.PngDeclaring(400, 300), PhotoProblems.Damaged),
        ["GIF"] = (() => [.. "GIF89a"u8.ToArray(), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B], PhotoProblems.NotAPhoto),
        ["text named .jpg"] = (() => "Just some text, honestly a JPEG."u8.ToArray(), PhotoProblems.NotAPhoto),
        ["HTML"] = (() => "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"u8.ToArray(), PhotoProblems.NotAPhoto),
        ["file over 5 MB"] = (() => [.. TestImages.Jpeg(400, 300), .. new byte[PhotoProcessor.MaxBytes]], PhotoProblems.TooLarge),
        ["no file at all"] = (null, PhotoProblems.Missing),
    };

    private static byte[] Half(byte[] file) => file[..(file.Length / 2)];
}
