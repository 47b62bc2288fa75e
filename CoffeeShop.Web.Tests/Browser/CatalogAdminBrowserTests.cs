using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// An admin runs the catalog in Chromium: finds a product, creates a new coffee, counts its bags in,
/// shows it in the shop, uploads its photo and reads the audit log; a customer finds it, with its
/// photo, in the catalog at once.
/// </summary>
public sealed class CatalogAdminBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private const string AdminEmail = "roaster@coffeeshop.test";

    private readonly BrowserFixture _browser = browser;

    private BrowserShop Shop => _browser.SimulatedShop();

    [Fact]
    public async Task Browser_AdminCreatesACoffee_CountsItsBagsIn_AndShowsIt_CustomerFindsItInTheCatalog()
    {
        await AdminSession.CreateUserAsync(Shop.Factory, AdminEmail, admin: true);
        await using var admin = await BrowserSession.OpenAsync(_browser.Browser, Shop);
        var page = admin.Page;
        await admin.GotoAsync("/Admin/Products");
        await admin.WaitForPathAsync("^/Identity/Account/Login");
        await admin.SignInAsync(AdminEmail);
        await admin.WaitForPathAsync("^/Admin/Products$");
        await Expect(page.Locator("table.products tbody tr")).ToHaveCountAsync(8);
        await Screenshots.SaveAsync(page, "admin-products");

        // Low on stock: the out-of-stock decaf is one of them.
        await page.GetByLabel("Low on stock").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await admin.WaitForPathAsync("low=true");
        await Expect(page.Locator("tr[data-slug='decaf-sierra']")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-slug='kiambu-aa']")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "New product" }).ClickAsync();
        await admin.WaitForPathAsync("^/Admin/Products/New$");
        await page.GetByLabel("Name").FillAsync("Finca La Esperanza");
        await page.GetByLabel("Slug").FillAsync("finca-la-esperanza");
        await page.GetByLabel("Origin").FillAsync("Caldas, Colombia");
        await page.GetByLabel("Roast").SelectOptionAsync("Medium");
        await page.GetByLabel("Price in EUR").FillAsync("15.40");
        await page.GetByLabel("Tasting notes").FillAsync("Plum, brown sugar, cocoa");
        await page.GetByLabel("Description").FillAsync("Bourbon and Typica from smallholders in Caldas.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await admin.WaitForPathAsync(@"^/Admin/Products/\d+$");
        await Expect(page.Locator("#product-status")).ToHaveTextAsync("Inactive");

        await page.GetByLabel("What happened").SelectOptionAsync("Received");
        await page.GetByLabel("Bags").FillAsync("24");
        await page.GetByLabel("Note (optional)").FillAsync("First roast");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record movement" }).ClickAsync();
        await Expect(page.Locator("#on-hand")).ToHaveTextAsync("24");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show in the shop" }).ClickAsync();
        await Expect(page.Locator("#product-status")).ToHaveTextAsync("Active");
        await Expect(page.Locator("#movements tbody tr")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "admin-product-editor");

        // A photo from the roastery's camera: the shop makes its own copies, and the catalog shows them.
        await page.Locator("#photo-link").ClickAsync();
        await admin.WaitForPathAsync(@"^/Admin/Products/\d+/Photo$");
        await page.GetByLabel("Photo (JPEG, PNG or WebP, at most 5 MB)").SetInputFilesAsync(new FilePayload
        {
            Name = "IMG_2041.JPG",
            MimeType = "image/jpeg",
            Buffer = CameraPhoto(1600, 1200),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload photo" }).ClickAsync();
        await Expect(page.Locator("#current-photo picture img")).ToBeVisibleAsync();

        // Who did what: the audit log lists every step, newest first.
        await admin.GotoAsync("/Admin/Audit");
        var log = page.Locator("#audit-log tbody tr");
        await Expect(log.Nth(0)).ToContainTextAsync("product finca-la-esperanza");
        foreach (var action in new[] { "Photo changed", "Product activated", "Stock moved", "Product created" })
        {
            await Expect(page.Locator("#audit-log")).ToContainTextAsync(action);
        }

        await Screenshots.SaveAsync(page, "admin-audit");
        await admin.AssertNoProblemsAsync();

        await using var customer = await BrowserSession.OpenAsync(_browser.Browser, Shop);
        await customer.GotoAsync("/");
        var card = customer.Page.Locator(".card", new() { HasText = "Finca La Esperanza" });
        await Expect(card).ToContainTextAsync("€15.40");
        await Expect(card).ToContainTextAsync("24 in stock");
        await Expect(card.Locator("picture source[type='image/webp']")).ToHaveAttributeAsync("srcset", new System.Text.RegularExpressions.Regex("^/photos/[0-9a-f]{64}/320\\.webp 320w"));
        Assert.True(await card.Locator("img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the card's photo did not load");
        await customer.AssertNoProblemsAsync();
    }

    /// <summary>A JPEG as a camera makes it: a gradient with a little grain, at quality 92.</summary>
    private static byte[] CameraPhoto(int width, int height)
    {
        using var bitmap = new SkiaSharp.SKBitmap(width, height);
        var random = new Random(7);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var grain = random.Next(-12, 12);
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)Math.Clamp((x * 200 / width) + 40 + grain, 0, 255), (byte)Math.Clamp((y * 120 / height) + 60 + grain, 0, 255), (byte)Math.Clamp(50 + grain, 0, 255)));
            }
        }

        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 92);
        return data.ToArray();
    }
}
