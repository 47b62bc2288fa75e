using System.Diagnostics;
using System.Globalization;
using CoffeeShop.Web.Catalog.Photos;
using SkiaSharp;

// Usage:
//   PhotoUpload make --out FILE [--width 4000] [--height 3000] [--max-bytes 5242880]
//       writes a photo-like JPEG (smooth shapes under fine grain, like a sensor's noise) at the highest
//       quality that keeps it within --max-bytes, so it is as near the upload limit as it gets.
//   PhotoUpload run --file FILE [--uploads 5]
//       processes FILE as an upload does (PhotoProcessor.Process), --uploads times after one warm-up with
//       a small photo (the app has its code loaded and compiled too), and prints one "UPLOAD" line per
//       upload and a "RESULT" line: CPU per upload (process CPU time, all threads), memory growth (peak
//       resident set during the upload less the resident set before it; managed bytes allocated), the
//       card (320 px) renditions' sizes.
//   PhotoUpload attach --file FILE --slug SLUG --connection CONNECTION_STRING
//       processes FILE and gives it to the product SLUG, as the admin's photo page does (the photo and
//       rendition rows, then products.photo_hash): bench/run measures the product page with a photo (P2, P5).
if (args.Length == 0 || args[0] is not ("make" or "run" or "attach"))
{
    await Console.Error.WriteLineAsync("usage: PhotoUpload make --out FILE | run --file FILE [--uploads 5] | attach --file FILE --slug SLUG --connection CS (see Program.cs)");
    return 2;
}

string Option(string name, string? fallback = null)
{
    var at = Array.IndexOf(args, "--" + name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback ?? throw new ArgumentException($"--{name} is required");
}

int IntOption(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

if (args[0] == "make")
{
    var width = IntOption("width", 4000);
    var height = IntOption("height", 3000);
    var maxBytes = IntOption("max-bytes", PhotoProcessor.MaxBytes);
    using var bitmap = PhotoLike(width, height);
    using var image = SKImage.FromBitmap(bitmap);
    for (var quality = 100; quality >= 50; quality -= 2)
    {
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        if (data.Size <= maxBytes)
        {
            await File.WriteAllBytesAsync(Option("out"), data.ToArray());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MADE width={width} height={height} quality={quality} bytes={data.Size}"));
            return 0;
        }
    }

    await Console.Error.WriteLineAsync("could not make a JPEG small enough");
    return 2;
}

var file = await File.ReadAllBytesAsync(Option("file"));
if (args[0] == "attach")
{
    var processed = PhotoProcessor.Process(file);
    if (processed.Photo is not { } attached)
    {
        await Console.Error.WriteLineAsync($"the photo was refused: {processed.Problem}");
        return 2;
    }

    await using var connection = new Npgsql.NpgsqlConnection(Option("connection"));
    await connection.OpenAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    await using (var insert = new Npgsql.NpgsqlCommand(
        "INSERT INTO product_photos (hash, width, height, widths, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, now(), 'bench') ON CONFLICT DO NOTHING",
        connection, transaction))
    {
        insert.Parameters.Add(new() { Value = attached.Hash });
        insert.Parameters.Add(new() { Value = attached.Width });
        insert.Parameters.Add(new() { Value = attached.Height });
        insert.Parameters.Add(new() { Value = attached.Widths });
        await insert.ExecuteNonQueryAsync();
    }

    foreach (var rendition in attached.Renditions)
    {
        await using var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO product_photo_renditions (photo_hash, width, format, content) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            connection, transaction);
        insert.Parameters.Add(new() { Value = attached.Hash });
        insert.Parameters.Add(new() { Value = rendition.Width });
        insert.Parameters.Add(new() { Value = rendition.Format });
        insert.Parameters.Add(new() { Value = rendition.Content });
        await insert.ExecuteNonQueryAsync();
    }

    await using (var update = new Npgsql.NpgsqlCommand("UPDATE products SET photo_hash = $1 WHERE slug = $2", connection, transaction))
    {
        update.Parameters.Add(new() { Value = attached.Hash });
        update.Parameters.Add(new() { Value = Option("slug") });
        if (await update.ExecuteNonQueryAsync() != 1)
        {
            await Console.Error.WriteLineAsync($"no product {Option("slug")}");
            return 2;
        }
    }

    await transaction.CommitAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ATTACHED slug={Option("slug")} hash={attached.Hash} widths={string.Join('/', attached.Widths)}"));
    return 0;
}

var uploads = IntOption("uploads", 5);
using var process = Process.GetCurrentProcess();

// Warm-up: a small photo through the same code.
{
    using var small = PhotoLike(800, 600);
    using var smallImage = SKImage.FromBitmap(small);
    using var smallJpeg = smallImage.Encode(SKEncodedImageFormat.Jpeg, 90);
    _ = PhotoProcessor.Process(smallJpeg.AsSpan());
}

GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
var cpu = new List<double>();
var growth = new List<long>();
var allocated = new List<long>();
ProcessedPhoto? photo = null;
for (var i = 1; i <= uploads; i++)
{
    var resetPeak = ResetPeak();
    var rssBefore = Status("VmRSS");
    var peakBefore = Status("VmHWM");
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

    var outcome = PhotoProcessor.Process(file);

    process.Refresh();
    var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
    var allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    // Without a peak reset (old kernels) the first upload's peak stands for all.
    var grew = Status("VmHWM") - (resetPeak ? rssBefore : Math.Max(rssBefore, peakBefore));
    if (outcome.Photo is null)
    {
        await Console.Error.WriteLineAsync($"the photo was refused: {outcome.Problem}");
        return 2;
    }

    photo = outcome.Photo;
    cpu.Add(cpuMs);
    growth.Add(grew);
    allocated.Add(allocatedBytes);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"UPLOAD n={i} cpu_ms={cpuMs:F0} rss_growth_kb={grew / 1024} allocated_kb={allocatedBytes / 1024} peak_reset={resetPeak}"));
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
}

var card = photo!.Renditions.Where(r => r.Width == PhotoProcessor.Widths[0]).ToDictionary(r => r.Format, r => r.Content.Length);
cpu.Sort();
growth.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT bytes={file.Length} uploads={uploads} cpu_ms_median={cpu[cpu.Count / 2]:F0} cpu_ms_max={cpu[^1]:F0} rss_growth_mb_median={growth[growth.Count / 2] / 1048576.0:F1} rss_growth_mb_max={growth[^1] / 1048576.0:F1} allocated_mb_max={allocated.Max() / 1048576.0:F1} widths={string.Join('/', photo.Widths)} card_jpeg_bytes={card[PhotoFormats.Jpeg]} card_webp_bytes={card[PhotoFormats.Webp]} all_renditions_bytes={photo.Renditions.Sum(r => r.Content.Length)}"));
return 0;

// Linux: writing 5 to clear_refs sets the process's peak resident set (VmHWM) back to its current one.
static bool ResetPeak()
{
    try
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return true;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return false;
    }
}

// A figure of /proc/self/status, in bytes.
static long Status(string field)
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith(field + ":", StringComparison.Ordinal))
        {
            return long.Parse(line.AsSpan(field.Length + 1).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return 0;
}

// Smooth shapes (a sky-to-ground gradient and soft discs) under per-pixel grain: what a camera makes.
static SKBitmap PhotoLike(int width, int height)
{
    var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
    using (var canvas = new SKCanvas(bitmap))
    {
        using var sky = new SKPaint();
        sky.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height),
            [new SKColor(120, 170, 220), new SKColor(230, 210, 170), new SKColor(90, 60, 40)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, height, sky);
        var shapes = new Random(7);
        using var disc = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 40; i++)
        {
            disc.Color = new SKColor((byte)shapes.Next(256), (byte)shapes.Next(256), (byte)shapes.Next(256), 160);
            canvas.DrawCircle(shapes.Next(width), shapes.Next(height), shapes.Next(width / 40, width / 6), disc);
        }
    }

    var grain = new Random(15);
    var pixels = bitmap.GetPixelSpan();
    var noise = new byte[pixels.Length];
    grain.NextBytes(noise);
    var span = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(pixels), pixels.Length);
    for (var i = 0; i < span.Length; i++)
    {
        if ((i & 3) != 3)
        {
            span[i] = (byte)Math.Clamp(span[i] + ((noise[i] & 31) - 16), 0, 255);
        }
    }

    return bitmap;
}
