using System.Globalization;
using System.Text;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Pages.Orders;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Every page of the shop, customer and admin, in Chromium at 1280 px and at 360 px wide (a small phone):
/// axe finds no WCAG 2.0/2.1 A or AA violation and no best-practice one, and at 360 px nothing makes the
/// page scroll sideways. Error states count as pages: a refused form, a declined payment, a missing page.
/// A new page is one line in <see cref="Pages"/>.
/// </summary>
public sealed class AxeTests(ShopFixture fixture, BrowserFixture browser)
    : ShopTest(fixture), IClassFixture<BrowserFixture>
{
    private const string AdminEmail = "axe@coffeeshop.test";
    private const string Product = "kiambu-aa";

    /// <summary>
    /// The pages. A path may name the seeded data: <c>{order}</c> (an order's public id, paid, invoiced and
    /// partly refunded), <c>{orderId}</c> (its id), <c>{payment}</c> (its payment record), <c>{product}</c>
    /// (Kiambu AA's id). <c>Before</c> runs before the page is opened, <c>Then</c> on it (e.g. a refused form).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AxePage> Pages = new Dictionary<string, AxePage>
    {
        // Customer pages.
        ["catalog"] = new("/"),
        ["product"] = new($"/Products/{Product}"),
        ["cart"] = new("/Cart", Before: AddToCartAsync),
        ["checkout"] = new("/Checkout", Before: AddToCartAsync),
        ["checkout declined"] = new("/Checkout", Before: AddToCartAsync, Then: PayAsync("Insufficient funds")),
        ["order just paid"] = new("/Checkout", Before: AddToCartAsync, Then: PayAsync("Payment succeeds")),
        ["order"] = new("/Orders/{order}"),
        ["invoice"] = new("/Orders/{order}/Invoice"),
        ["credit note"] = new("/Orders/{order}/CreditNotes/1"),
        ["missing product"] = new("/Products/no-such-coffee", Status: 404),
        ["error page"] = new("/Error/404", Status: 404),
        ["sign-in"] = new("/Identity/Account/Login"),
        ["sign-in refused"] = new("/Identity/Account/Login", Then: WrongPasswordAsync),
        ["forgot password"] = new("/Identity/Account/ForgotPassword"),
        ["forgot password refused"] = new("/Identity/Account/ForgotPassword", Then: SubmitBadForgotPasswordAsync),
        ["forgot password sent"] = new("/Identity/Account/ForgotPasswordConfirmation"),
        ["reset password"] = new("/Identity/Account/Login", Then: OpenResetLinkAsync),
        ["reset link used up"] = new("/Identity/Account/ResetPassword?email=nobody%40coffeeshop.test&code=AAAAAAAA", Status: 410),
        ["password changed"] = new("/Identity/Account/ResetPasswordConfirmation"),

        // Admin pages.
        ["admin home"] = new("/Admin", Admin: true),
        ["admin orders"] = new("/Admin/Orders", Admin: true),
        ["admin order"] = new("/Admin/Orders/{orderId}", Admin: true),
        ["admin packing slip"] = new("/Admin/Orders/{orderId}/PackingSlip", Admin: true),
        ["admin dashboard"] = new("/Admin/Dashboard", Admin: true),
        ["admin payments"] = new("/Admin/Payments", Admin: true),
        ["admin payment"] = new("/Admin/Payments/{payment}", Admin: true),
        ["admin products"] = new("/Admin/Products", Admin: true),
        ["admin new product"] = new("/Admin/Products/New", Admin: true),
        ["admin new product refused"] = new("/Admin/Products/New", Admin: true, Then: SubmitEmptyProductAsync),
        ["admin product editor"] = new("/Admin/Products/{product}", Admin: true),
        ["admin product stock refused"] = new("/Admin/Products/{product}", Admin: true, Then: WriteOffTooManyAsync),
        ["admin product photo"] = new("/Admin/Products/{product}/Photo", Admin: true),
        ["admin products import"] = new("/Admin/Products/Import", Admin: true),
        ["admin team"] = new("/Admin/Team", Admin: true),
        ["admin team invited"] = new("/Admin/Team", Admin: true, Then: InviteAsync),
        ["admin audit log"] = new("/Admin/Audit", Admin: true),
        ["admin emails"] = new("/Admin/Emails", Admin: true),
        // Each email is framed with a bare sandbox (no scripts), where axe cannot run; the page around them is checked.
        ["admin email previews"] = new("/Admin/Emails/Preview", Admin: true, EnterFrames: false),
        ["enrolment"] = new("/Admin/Team", Admin: true, Then: OpenEnrolmentLinkAsync),
        ["enrolment link used up"] = new("/Enrol?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Status: 410),
        ["authenticator set-up"] = new("/Admin", Admin: true, Then: OpenAuthenticatorLinkAsync),
        ["two-factor turned on"] = new("/Admin", Admin: true, Then: SetUpAuthenticatorAsync),
        ["authenticator without a link"] = new("/Identity/Account/Manage/EnableAuthenticator", Admin: true, Status: 403),
        ["sign-in code"] = new("/Identity/Account/LoginWith2fa", Before: ToTheSecondStepAsync),
        ["sign-in recovery code"] = new("/Identity/Account/LoginWithRecoveryCode", Before: ToTheSecondStepAsync),
    };

    public static TheoryData<string> PageNames => [.. Pages.Keys];

    private readonly BrowserFixture _browser = browser;

    private BrowserShop Shop => _browser.SimulatedShop();

    [Theory]
    [MemberData(nameof(PageNames))]
    public async Task Browser_Page_PassesAxeAt1280And360PixelsWithoutSidewaysScrolling(string name)
    {
        var target = Pages[name];
        var seeded = await SeedAsync();
        await using var session = await BrowserSession.OpenAsync(_browser.Browser, Shop);
        var page = session.Page;
        await page.SetViewportSizeAsync(1280, 800);
        if (target.Admin)
        {
            await AdminSession.CreateUserAsync(Shop.Factory, AdminEmail, admin: true);
            await session.GotoAsync("/Identity/Account/Login");
            await session.SignInAsync(AdminEmail);
            await session.WaitForPathAsync("^/Admin");
        }

        if (target.Before is { } before)
        {
            await before(session);
        }

        var path = seeded.Fill(target.Path);
        if (target.Status != 200)
        {
            session.Allow("GET", path.Split('?')[0], target.Status);
        }

        var response = await page.GotoAsync(path);
        Assert.True(response?.Status == target.Status, $"GET {path} answered {response?.Status}, not {target.Status}");
        if (target.Then is { } then)
        {
            await then(session);
        }

        var problems = new List<string>();
        foreach (var (width, height) in new[] { (1280, 800), (360, 740) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var violation in await Axe.ViolationsAsync(page, target.DisabledRules, target.EnterFrames))
            {
                problems.Add($"at {width} px {violation}");
            }

            if (width == 360)
            {
                // For a person to look at: the whole page as a phone shows it (CI keeps TestResults/ as artifacts).
                await page.ScreenshotAsync(new() { Path = System.IO.Path.Combine(Screenshots.ArtifactsFolder, "axe", $"{name.Replace(' ', '-')}-360.png"), FullPage = true });
            }

            var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (scrollWidth > width)
            {
                problems.Add($"at {width} px the page is {scrollWidth} px wide: it scrolls sideways; widest: "
                    + await page.EvaluateAsync<string>(WidestElements, width));
            }
        }

        Assert.True(problems.Count == 0, $"{name} ({page.Url}):\n{string.Join("\n", problems)}");
        await session.AssertNoProblemsAsync();
    }

    // The elements whose right edge lies beyond the screen, deepest first: where to look when a page scrolls sideways.
    private const string WidestElements = """
        (width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5 && ![...e.children].some(c => c.getBoundingClientRect().right > width + 0.5))
            .slice(0, 5).map(e => e.outerHTML.slice(0, 100) + ' right=' + Math.round(e.getBoundingClientRect().right)).join(' | ')
        """;

    private async Task<Seeded> SeedAsync()
    {
        await using var db = Db();
        var order = await InvoicedOrderSeed.AddAsync(db, DateTimeOffset.UtcNow.AddDays(-2),
            [(1690, 700), (3200, 700)], (490, 1900), (1690, DateTimeOffset.UtcNow.AddDays(-1)));
        // A payment that needs attention, so the dashboard, the payments list and the desk show their alerts.
        var attention = await PaymentSeed.AddAsync(db, DateTimeOffset.UtcNow.AddHours(-1), PaymentStatus.NeedsAttention);
        attention.AttentionReason = $"{AttentionReasons.DuplicatePayment}: the order was already paid";
        // A message that failed for good, so the emails page shows its "Send again" form.
        db.OutboxMessages.Add(new OutboxMessage
        {
            Kind = MessageKind.OrderConfirmation,
            Recipient = order.Email,
            OrderId = order.Id,
            DedupeKey = "axe:failed",
            Status = OutboxStatus.Failed,
            Attempts = 8,
            LastError = "550 5.1.1 <grace@example.com>: Recipient address rejected: mailbox unavailable",
            NextAttemptAt = DateTimeOffset.UtcNow,
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
        });
        await db.SaveChangesAsync();
        var payment = await db.PaymentRecords.Where(p => p.OrderId == order.Id).Select(p => p.Id).SingleAsync();
        var product = await db.Products.Where(p => p.Slug == Product).Select(p => p.Id).SingleAsync();
        return new Seeded(order.PublicId, order.Id, payment, product);
    }

    private static async Task AddToCartAsync(BrowserSession session)
    {
        await session.GotoAsync($"/Products/{Product}");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await session.WaitForPathAsync("^/Cart$");
    }

    private static Func<BrowserSession, Task> PayAsync(string scenario) => async session =>
    {
        var page = session.Page;
        var declines = scenario != "Payment succeeds";
        if (declines)
        {
            session.Allow("POST", "/Checkout", 400);
        }

        await page.GetByLabel("Email for your receipt").FillAsync("axe@example.com");
        await session.FillAddressAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = scenario }).CheckAsync();
        await page.Locator("#pay-button").ClickAsync();
        if (declines)
        {
            await Expect(page.Locator("#payment-errors")).ToBeVisibleAsync();
        }
        else
        {
            await session.WaitForPathAsync("^/Orders/[A-Za-z0-9_-]{16,}$");
            await Expect(page.Locator("#payment-state")).ToHaveAttributeAsync("data-status", "paid");
        }
    };

    private static async Task WrongPasswordAsync(BrowserSession session)
    {
        session.Allow("POST", "/Identity/Account/Login", 400);
        await session.SignInAsync("nobody@coffeeshop.test", "not-the-password");
        await Expect(session.Page.Locator(".sign-in")).ToContainTextAsync("Wrong email or password");
    }

    // The browser would stop an empty form (the fields are required); an old browser or a script would not.
    private static async Task WriteOffTooManyAsync(BrowserSession session)
    {
        var page = session.Page;
        session.Allow("POST", page.Url.Replace(session.Shop.GetLeftPart(UriPartial.Authority), "", StringComparison.Ordinal), 400);
        await page.GetByLabel("What happened").SelectOptionAsync("Damaged");
        await page.GetByLabel("Bags").FillAsync("100000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record movement" }).ClickAsync();
        await Expect(page.Locator("#move-errors")).ToBeVisibleAsync();
    }

    private static async Task InviteAsync(BrowserSession session)
    {
        var page = session.Page;
        await page.GetByLabel("Email").FillAsync("new.roaster@coffeeshop.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.Locator("#enrolment-url")).ToBeVisibleAsync();
    }

    private static async Task OpenEnrolmentLinkAsync(BrowserSession session)
    {
        await InviteAsync(session);
        // The link is on the shop's public address (Email:ShopUrl), not the loopback port this browser uses.
        var link = new Uri(await session.Page.Locator("#enrolment-url").InputValueAsync());
        await session.GotoAsync(link.PathAndQuery);
    }

    /// <summary>create-admin run again for the signed-in admin: its new key signs the browser out, so the link leads through the sign-in form.</summary>
    private static async Task OpenAuthenticatorLinkAsync(BrowserSession session)
    {
        var link = (await CreateAdminCommand.EnrolmentLinkAsync(session.Factory.Services, AdminEmail))!.Url;
        await session.Page.GotoAsync(link.IsAbsoluteUri ? link.PathAndQuery : link.OriginalString);
        await session.SignInAsync(AdminEmail);
        await session.WaitForPathAsync("^/Identity/Account/Manage/EnableAuthenticator");
        await Expect(session.Page.Locator("#qr-code")).ToBeVisibleAsync();
    }

    private static async Task SetUpAuthenticatorAsync(BrowserSession session)
    {
        await OpenAuthenticatorLinkAsync(session);
        var page = session.Page;
        var key = (await page.Locator("#shared-key").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        await page.GetByLabel("Code from the app").FillAsync(new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Expect(page.Locator("#recovery-codes")).ToBeVisibleAsync();
    }

    /// <summary>An admin with an authenticator gives the password; the browser is then at the code step.</summary>
    private static async Task ToTheSecondStepAsync(BrowserSession session)
    {
        const string Email = "axe-two-factor@coffeeshop.test";
        var user = await AdminSession.CreateUserAsync(session.Factory, Email, admin: true);
        await using (var scope = session.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            await users.SetTwoFactorEnabledAsync(stored, true);
        }

        await session.GotoAsync("/Identity/Account/Login");
        await session.SignInAsync(Email);
        await session.WaitForPathAsync("^/Identity/Account/LoginWith2fa");
    }

    // The browser would stop a malformed address (type=email); an old browser or a script would not.
    private static async Task SubmitBadForgotPasswordAsync(BrowserSession session)
    {
        var page = session.Page;
        session.Allow("POST", "/Identity/Account/ForgotPassword", 400);
        await page.EvaluateAsync("() => { document.getElementById('forgot-form').noValidate = true; }");
        await page.GetByLabel("Email").FillAsync("not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a reset link" }).ClickAsync();
        await Expect(page.Locator("#forgot-errors")).ToBeVisibleAsync();
    }

    /// <summary>Opens the link a reset email carries, made as the shop makes it (Identity's token, base64url-encoded).</summary>
    private static async Task OpenResetLinkAsync(BrowserSession session)
    {
        var user = await AdminSession.CreateUserAsync(session.Factory, AdminEmail, admin: true);
        await using var scope = session.Factory.Services.CreateAsyncScope();
        var token = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        await session.GotoAsync($"/Identity/Account/ResetPassword?email={Uri.EscapeDataString(AdminEmail)}&code={code}");
        await Expect(session.Page.Locator("#reset-form")).ToBeVisibleAsync();
    }

    private static async Task SubmitEmptyProductAsync(BrowserSession session)
    {
        var page = session.Page;
        session.Allow("POST", "/Admin/Products/New", 400);
        await page.EvaluateAsync("() => { document.getElementById('product-form').noValidate = true; }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await Expect(page.Locator("#product-errors")).ToBeVisibleAsync();
    }

    /// <summary>The ids the page paths may name.</summary>
    private sealed record Seeded(string Order, long OrderId, long Payment, int Product)
    {
        public string Fill(string path) => path
            .Replace("{orderId}", OrderId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{order}", Order, StringComparison.Ordinal)
            .Replace("{payment}", Payment.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{product}", Product.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}

/// <summary>
/// A page for <see cref="AxeTests"/>: its path, whether an admin signs in first, what happens before it is
/// opened and on it, the status it answers, axe rules turned off for it (only proven false positives, each with a comment why),
/// and whether axe enters its frames (not into frames sandboxed without scripts, where it cannot run).
/// </summary>
public sealed record AxePage(
    string Path,
    bool Admin = false,
    Func<BrowserSession, Task>? Before = null,
    Func<BrowserSession, Task>? Then = null,
    int Status = 200,
    IReadOnlyList<string>? DisabledRules = null,
    bool EnterFrames = true);
