using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>An admin reads every message the shop sends, rendered from sample data, as customers and colleagues will see it.</summary>
public sealed class EmailPreviewBrowserTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private const string AdminEmail = "postmaster@coffeeshop.test";

    [Fact]
    public async Task Browser_AdminOpensTheEmailPreviews_EveryTemplateRendersInItsFrame()
    {
        var shop = browser.SimulatedShop();
        await AdminSession.CreateUserAsync(shop.Factory, AdminEmail, admin: true);
        await using var admin = await BrowserSession.OpenAsync(browser.Browser, shop);
        var page = admin.Page;
        await admin.GotoAsync("/Admin/Emails/Preview");
        await admin.WaitForPathAsync("^/Identity/Account/Login");
        await admin.SignInAsync(AdminEmail);
        await admin.WaitForPathAsync("^/Admin/Emails/Preview$");

        var frames = page.Locator("iframe[sandbox]");
        await Expect(frames).ToHaveCountAsync(Enum.GetValues<CoffeeShop.Web.Domain.MessageKind>().Length);
        // The first template's own document, inside its frame: the confirmation with its order table.
        var first = frames.First.ContentFrame;
        await Expect(first.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("is confirmed");
        await Expect(first.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-email-preview");
    }
}
