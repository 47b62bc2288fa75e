using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CoffeeShop.Web.Catalog.Photos;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Catalog;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>
/// A product's photo on /Admin/Products/{id}/Photo: uploaded through the real form, stored, shown on the
/// catalog and the product page, served at its hashed URLs for a year; removed again; and every bad file
/// refused with a message, nothing written.
/// </summary>
public class ProductPhotoTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Slug = "kiambu-aa";

    private async Task<Product> ProductAsync()
    {
        await using var db = Db();
        return await db.Products.AsNoTracking().SingleAsync(p => p.Slug == Slug);
    }

    private async Task<(int Photos, int Renditions, int Audits)> CountsAsync()
    {
        await using var db = Db();
        return (await db.ProductPhotos.CountAsync(), await db.ProductPhotoRenditions.CountAsync(),
            await db.AuditLog.CountAsync(a => a.Action == AuditAction.PhotoChanged));
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient admin, IDocument page, UploadFile? file) =>
        admin.SubmitWithFilesAsync(page.Form("#upload-form"), new Dictionary<string, UploadFile?> { ["Upload"] = file });

    private async Task<string> UploadGoodPhotoAsync(HttpClient admin, int id, byte[] file)
    {
        var page = await admin.GetDocumentAsync($"/Admin/Products/{id}/Photo");
        var response = await UploadAsync(admin, page, new UploadFile("bag.jpg", "image/jpeg", file));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var after = await admin.FollowRedirectAsync(response);
        Assert.Contains("The photo is saved.", after.Body!.TextContent, StringComparison.Ordinal);
        return (await ProductAsync()).PhotoHash!;
    }

    [Fact]
    public async Task An_uploaded_photo_is_stored_audited_shown_and_served_for_a_year()
    {
        var product = await ProductAsync();
        Assert.Null(product.PhotoHash);
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Products/{product.Id}/Photo");
        Assert.Equal($"Photo of {product.Name}", page.QuerySelector("h1")!.TextContent);
        Assert.NotNull(page.QuerySelector("#current-photo img.bag[src*='/img/bag-']"));
        Assert.Null(page.QuerySelector("#remove-form"));
        Assert.Equal($"/Admin/Products/{product.Id}", page.QuerySelector("#back-to-product")!.GetAttribute("href"));
        var input = page.QuerySelector<IHtmlInputElement>("#photo-file")!;
        Assert.Equal("image/jpeg,image/png,image/webp", input.GetAttribute("accept"));
        Assert.NotNull(page.QuerySelector("label[for=photo-file]"));

        // A customer has seen the catalog and the product page already: the first-visit caches hold them.
        var customer = Factory.CreateBrowserClient();
        Assert.Null((await customer.GetDocumentAsync($"/Products/{Slug}")).QuerySelector("picture"));
        Assert.Null((await customer.GetDocumentAsync("/")).QuerySelector("picture"));

        // Sideways with EXIF orientation 6 and a camera name: 700 × 1400 upright, so 320 and 640 wide.
        var hash = await UploadGoodPhotoAsync(admin, product.Id, TestImages.JpegWithExif(1400, 700, orientation: 6));

        Assert.Matches("^[0-9a-f]{64}$", hash);
        await using (var db = Db())
        {
            var photo = await db.ProductPhotos.AsNoTracking().SingleAsync();
            Assert.Equal((hash, 640, 1280, "admin@coffeeshop.test"), (photo.Hash, photo.Width, photo.Height, photo.UploadedBy));
            Assert.Equal([320, 640], photo.Widths);
            var renditions = await db.ProductPhotoRenditions.AsNoTracking().OrderBy(r => r.Width).ThenBy(r => r.Format).ToListAsync();
            Assert.Equal(["320 jpeg", "320 webp", "640 jpeg", "640 webp"], renditions.Select(r => $"{r.Width} {r.Format}"));
            Assert.All(renditions, r => Assert.DoesNotContain("SecretCam", Encoding.ASCII.GetString(r.Content), StringComparison.Ordinal));
            var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == AuditAction.PhotoChanged);
            Assert.Equal(("admin@coffeeshop.test", $"product {Slug}"), (audit.Actor, audit.Subject));
            Assert.Null(PhotoIn(audit.Before));
            Assert.Equal(hash, PhotoIn(audit.After));
        }

        // The admin page now shows the photo and offers to remove it.
        var shown = await admin.GetDocumentAsync($"/Admin/Products/{product.Id}/Photo");
        Assert.NotNull(shown.QuerySelector($"#current-photo img[src='/photos/{hash}/320.jpg']"));
        Assert.NotNull(shown.QuerySelector("#remove-form"));

        // The product page: the photo, loaded at once; the catalog card: the photo, loaded lazily.
        var details = await customer.GetDocumentAsync($"/Products/{Slug}");
        AssertPicture(details, hash, product.Name, lazy: false);
        var catalog = await customer.GetDocumentAsync("/");
        AssertPicture(catalog, hash, product.Name, lazy: true);
        Assert.NotEmpty(catalog.QuerySelectorAll("li.card img.bag[src*='/img/bag-']")); // the others keep the drawn bag

        var webp = await customer.GetAsync($"/photos/{hash}/320.webp");
        Assert.Equal(HttpStatusCode.OK, webp.StatusCode);
        Assert.Equal("image/webp", webp.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", webp.Headers.CacheControl!.ToString());
        Assert.Equal($"\"{hash}\"", webp.Headers.ETag!.Tag);
        Assert.Equal("nosniff", webp.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("RIFF", Encoding.ASCII.GetString((await webp.Content.ReadAsByteArrayAsync())[..4]));

        var jpeg = await customer.GetAsync($"/photos/{hash}/640.jpg");
        Assert.Equal(HttpStatusCode.OK, jpeg.StatusCode);
        Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0xFF, 0xD8], (await jpeg.Content.ReadAsByteArrayAsync())[..2]);

        // A standard width the photo is too narrow for serves its widest rendition; the srcset may name it.
        var wide = await customer.GetAsync($"/photos/{hash}/1280.webp");
        Assert.Equal(HttpStatusCode.OK, wide.StatusCode);
        Assert.Equal(await (await customer.GetAsync($"/photos/{hash}/640.webp")).Content.ReadAsByteArrayAsync(), await wide.Content.ReadAsByteArrayAsync());

        // A browser that has it asks again with its ETag and gets 304.
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/photos/{hash}/320.webp");
        again.Headers.IfNoneMatch.Add(new($"\"{hash}\""));
        Assert.Equal(HttpStatusCode.NotModified, (await customer.SendAsync(again)).StatusCode);

        foreach (var unknown in new[] { $"/photos/{hash}/321.webp", $"/photos/{hash}/320.png", $"/photos/{hash}/320.gif", $"/photos/{new string('0', 64)}/320.webp", $"/photos/{hash[..16]}/320.webp", "/photos/../320.webp" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(unknown)).StatusCode);
        }
    }

    /// <summary>The "photo" field of an audit entry's JSON side (null when it is null).</summary>
    private static string? PhotoIn(string? json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json!)!.AsObject()["photo"]?.GetValue<string>();

    private static void AssertPicture(IDocument page, string hash, string name, bool lazy)
    {
        var picture = page.QuerySelector($"picture:has(img[src='/photos/{hash}/320.jpg'])") ?? throw new InvalidOperationException($"No picture of {hash} on {page.Url}.");
        var source = picture.QuerySelector("source[type='image/webp']")!;
        Assert.Equal($"/photos/{hash}/320.webp 320w, /photos/{hash}/640.webp 640w, /photos/{hash}/1280.webp 1280w", source.GetAttribute("srcset"));
        var img = picture.QuerySelector("img")!;
        Assert.Equal($"/photos/{hash}/320.jpg 320w, /photos/{hash}/640.jpg 640w, /photos/{hash}/1280.jpg 1280w", img.GetAttribute("srcset"));
        Assert.Equal($"Bag of {name}", img.GetAttribute("alt"));
        Assert.Equal(lazy ? "lazy" : "eager", img.GetAttribute("loading"));
        Assert.Equal("async", img.GetAttribute("decoding"));
        Assert.NotNull(img.GetAttribute("width"));
        Assert.NotNull(img.GetAttribute("height"));
        Assert.NotNull(img.GetAttribute("sizes"));
    }

    [Fact]
    public async Task A_photo_can_be_replaced_and_removed_and_the_drawn_bag_comes_back()
    {
        var product = await ProductAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var first = await UploadGoodPhotoAsync(admin, product.Id, TestImages.Png(900, 600));
        var second = await UploadGoodPhotoAsync(admin, product.Id, TestImages.Webp(500, 700));
        Assert.NotEqual(first, second);

        var page = await admin.GetDocumentAsync($"/Admin/Products/{product.Id}/Photo");
        var response = await admin.SubmitAsync(page.Form("#remove-form"));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("The photo is removed", (await admin.FollowRedirectAsync(response)).Body!.TextContent, StringComparison.Ordinal);

        Assert.Null((await ProductAsync()).PhotoHash);
        await using (var db = Db())
        {
            var audits = await db.AuditLog.AsNoTracking().Where(a => a.Action == AuditAction.PhotoChanged).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal([(null, first), (first, second), (second, null)], audits.Select(a => (PhotoIn(a.Before), PhotoIn(a.After))));
        }

        var details = await Factory.CreateBrowserClient().GetDocumentAsync($"/Products/{Slug}");
        Assert.Null(details.QuerySelector("picture"));
        Assert.NotNull(details.QuerySelector("img.bag[src*='/img/bag-']"));
        // The old URLs keep serving what they named: a cached page or a CDN may still ask for them.
        Assert.Equal(HttpStatusCode.OK, (await Factory.CreateBrowserClient().GetAsync($"/photos/{second}/320.webp")).StatusCode);
    }

    public static TheoryData<string> BadFiles() => [.. BadFile.Cases.Keys];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_beside_the_file_input_and_nothing_is_written(string name)
    {
        var product = await ProductAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var current = await UploadGoodPhotoAsync(admin, product.Id, TestImages.Png(400, 300));
        var before = await CountsAsync();
        var (bytes, problem) = BadFile.Cases[name];

        // Every file claims to be a photo by its name and Content-Type; only its bytes count.
        var page = await admin.GetDocumentAsync($"/Admin/Products/{product.Id}/Photo");
        var response = await UploadAsync(admin, page, bytes is null ? null : new UploadFile("bag.png", "image/png", bytes()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await HtmlForms.ParseAsync(response);
        Assert.Equal(problem, refused.QuerySelector("#photo-error")!.TextContent.Trim());
        Assert.NotNull(refused.QuerySelector("#upload-form input[type=file]#photo-file"));
        Assert.Equal(current, (await ProductAsync()).PhotoHash);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_body_beyond_the_limit_is_refused_before_it_is_read()
    {
        var product = await ProductAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        var page = await admin.GetDocumentAsync($"/Admin/Products/{product.Id}/Photo");

        var response = await UploadAsync(admin, page, new UploadFile("huge.jpg", "image/jpeg", [.. TestImages.Jpeg(400, 300), .. new byte[8 * 1024 * 1024]]));

        // The form's limit stops reading it: antiforgery, the first to read the form, answers 400 (Kestrel's body limit 413).
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"answered {(int)response.StatusCode}");
        Assert.Null((await ProductAsync()).PhotoHash);
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task An_unknown_product_is_404_for_the_page_and_its_forms()
    {
        var product = await ProductAsync();
        var admin = await AdminSession.SignInAsync(Factory);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/Admin/Products/999999/Photo")).StatusCode);

        var page = await admin.GetDocumentAsync($"/Admin/Products/{product.Id}/Photo");
        var upload = page.Form("#upload-form");
        upload.SetAttribute("action", "/Admin/Products/999999/Photo?handler=Upload");
        var response = await admin.SubmitWithFilesAsync(upload, new Dictionary<string, UploadFile?> { ["Upload"] = new("bag.png", "image/png", TestImages.Png(400, 300)) });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task Only_admins_reach_the_photo_page()
    {
        var product = await ProductAsync();
        var anonymous = Factory.CreateBrowserClient();
        var response = await anonymous.GetAsync($"/Admin/Products/{product.Id}/Photo");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var staff = await AdminSession.SignInAsync(Factory, "staff@coffeeshop.test", admin: false);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/Admin/Products/{product.Id}/Photo")).StatusCode);
    }
}
