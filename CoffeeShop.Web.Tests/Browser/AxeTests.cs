using System.Globalization;
using System.Text;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Domain;
using System.Collections.Concurrent;
using System.Text.Json;
using CoffeeShop.Web.Tests.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure.FakeStripe;
using CoffeeShop.Web.Tests.Pages.Orders;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Every page of the shop, customer and admin, the checkout in both payment modes (simulated and Stripe), in
/// Chromium at 1280 px and at 360 px wide (a small phone): axe finds no WCAG 2.0/2.1/2.2 A or AA violation and
/// no best-practice one; every amount in a table's money column carries its currency; and at 360 px nothing
/// makes the page scroll sideways, stacked tables do not scroll in their box, and every control and every link
/// outside a sentence is at least 44 × 44 CSS px. Error states count as pages: a refused form, a declined
/// payment, a missing page. A new page is one line in <see cref="Pages"/> (<see cref="AxeCoverageTests"/> fails
/// until it is there). Each page writes what was checked to the test output and to
/// <c>TestResults/screenshots/axe/summary.txt</c>.
/// </summary>
public sealed class AxeTests(ShopFixture fixture, BrowserFixture browser, ITestOutputHelper output)
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
        ["simulated bank step"] = new("/Checkout", Before: AddToCartAsync, Then: PayToTheSimulatedBankAsync),

        // The checkout in Stripe mode: Stripe.js (the stand-in) mounts the Payment Element, the bank's step runs on its own page.
        ["checkout (Stripe)"] = new("/Checkout", Before: AddToCartAsync, StripeToken: ConfirmationTokens.Visa),
        ["checkout declined (Stripe)"] = new("/Checkout", Before: AddToCartAsync, Then: PayWithStripeAsync(declines: true), StripeToken: ConfirmationTokens.Declined),
        ["3-D Secure step (Stripe)"] = new("/Checkout", Before: AddToCartAsync, Then: PayWithStripeToTheBankStepAsync, StripeToken: ConfirmationTokens.ThreeDSecure2Required),
        ["order just paid (Stripe)"] = new("/Checkout", Before: AddToCartAsync, Then: PayWithStripeAsync(declines: false), StripeToken: ConfirmationTokens.Visa),
        ["order (Stripe)"] = new("/Orders/{order}", StripeToken: ConfirmationTokens.Visa),
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
        ["admin packing slips"] = new("/Admin/Orders/PackingSlips", Admin: true),
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

    /// <summary>The pages of <see cref="Screenshots"/> taken at phone width, for the README beside the desktop ones.</summary>
    private static readonly Dictionary<string, string> PhoneScreenshots = new()
    {
        ["catalog"] = "catalog-360",
        ["cart"] = "cart-360",
        ["checkout"] = "checkout-360",
        ["admin orders"] = "admin-orders-360",
    };

    /// <summary>Each page checked in this run: axe's rules, its violations and what else failed; written to the summary file after every page.</summary>
    private static readonly ConcurrentDictionary<string, (int Rules, int Violations, int Problems, int Exempt)> Checked = new();

    private readonly BrowserFixture _browser = browser;
    private readonly ITestOutputHelper _output = output;

    [Theory]
    [MemberData(nameof(PageNames))]
    public async Task Browser_Page_PassesAxeAt1280And360PixelsWithoutSidewaysScrollingWithTouchSizedTargets(string name)
    {
        var target = Pages[name];
        var seeded = await SeedAsync();
        var shop = target.StripeToken is null ? _browser.SimulatedShop() : _browser.StripeShop(Stripe);
        await using var session = target.StripeToken is null
            ? await BrowserSession.OpenAsync(_browser.Browser, shop)
            : await BrowserSession.OpenAsync(_browser.Browser, shop, target.StripeToken);
        var page = session.Page;
        await page.SetViewportSizeAsync(1280, 800);
        if (target.Admin)
        {
            await AdminSession.CreateUserAsync(shop.Factory, AdminEmail, admin: true);
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
        var violations = 0;
        var rules = new SortedSet<string>(StringComparer.Ordinal);
        var version = "";
        var exempt = new List<string>();
        foreach (var (width, height) in new[] { (1280, 800), (360, 740) })
        {
            await page.SetViewportSizeAsync(width, height);
            var axe = await Axe.CheckAsync(page, target.DisabledRules, target.EnterFrames);
            version = axe.Version;
            rules.UnionWith(axe.Rules);
            violations += axe.Violations.Count;
            problems.AddRange(axe.Violations.Select(violation => $"at {width} px {violation}"));
            problems.AddRange((await page.EvaluateAsync<string[]>(AmountsWithoutCurrency)).Select(cell => $"at {width} px an amount without its currency: {cell}"));

            if (width == 360)
            {
                // For a person to look at: the whole page as a phone shows it (CI keeps TestResults/ as artifacts).
                await page.ScreenshotAsync(new() { Path = System.IO.Path.Combine(Screenshots.ArtifactsFolder, "axe", $"{name.Replace(' ', '-')}-360.png"), FullPage = true });
                if (PhoneScreenshots.TryGetValue(name, out var screenshot))
                {
                    // The reflowed table is what the picture is for: scroll it to the top of the phone's screen when the page has one.
                    var stacked = page.Locator("table.stack").First;
                    if (await stacked.CountAsync() > 0)
                    {
                        await stacked.EvaluateAsync("table => table.scrollIntoView({ block: 'start' })");
                    }

                    await Screenshots.SaveAsync(page, screenshot);
                    await page.EvaluateAsync("() => window.scrollTo(0, 0)");
                }

                var targets = JsonSerializer.Deserialize<TouchTargets>(await page.EvaluateAsync<string>(SmallTargets), JsonOptions)!;
                problems.AddRange(targets.Small.Select(small => $"at 360 px a target smaller than 44 × 44 px: {small}"));
                exempt.AddRange(targets.Exempt);
                problems.AddRange((await page.EvaluateAsync<string[]>(ScrollingStackedTables)).Select(table => $"at 360 px a stacked table scrolls in its box: {table}"));
            }

            var scrolls = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]");
            if (scrolls[0] > scrolls[1])
            {
                problems.Add($"at {width} px the page is {scrolls[0]} px wide in a {scrolls[1]} px window: it scrolls sideways; widest: "
                    + await page.EvaluateAsync<string>(WidestElements, width));
            }
        }

        Checked[name] = (rules.Count, violations, problems.Count, exempt.Count);
        _output.WriteLine($"axe {version} ({string.Join(", ", Axe.Tags)}): {name} [{(target.StripeToken is null ? "simulated" : "Stripe")} payments] {page.Url}");
        _output.WriteLine($"  {rules.Count} rules ran at 1280 and 360 px: {violations} violation(s); {problems.Count - violations} other problem(s)");
        _output.WriteLine($"  rules: {string.Join(" ", rules)}");
        foreach (var link in exempt.Distinct())
        {
            _output.WriteLine($"  under 44 px, exempt as a link inside a sentence (WCAG 2.5.8 inline): {link}");
        }

        WriteSummary();
        Assert.True(problems.Count == 0, $"{name} ({page.Url}):\n{string.Join("\n", problems)}");
        await session.AssertNoProblemsAsync();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record TouchTargets(string[] Small, string[] Exempt);

    private static void WriteSummary()
    {
        var pages = Checked.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{pages.Count} pages checked at 1280 and 360 px ({string.Join(", ", Axe.Tags)}), {pages.Sum(p => p.Value.Violations)} axe violations, {pages.Sum(p => p.Value.Problems)} problems in all, {pages.Sum(p => p.Value.Exempt)} inline links exempt from 44 px");
        foreach (var (page, result) in pages)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{page}: {result.Rules} rules, {result.Violations} violations, {result.Problems} problems, {result.Exempt} exempt links");
        }

        var folder = Directory.CreateDirectory(System.IO.Path.Combine(Screenshots.ArtifactsFolder, "axe"));
        lock (Checked)
        {
            File.WriteAllText(System.IO.Path.Combine(folder.FullName, "summary.txt"), text.ToString());
        }
    }

    /// <summary>
    /// Every visible link, button, field, select and summary smaller than 44 × 44 CSS px. A checkbox or radio
    /// counts with its label, which toggles it. A link with words beside it in its parent is inside a sentence:
    /// WCAG 2.5.8 exempts such inline targets, which are listed apart. Off-screen targets (the skip link until
    /// focused) are not measured.
    /// </summary>
    private const string SmallTargets = """
        () => {
          const small = [], exempt = [];
          const describe = (e, r) => e.outerHTML.replace(/\s+/g, ' ').slice(0, 100) + ` (${Math.round(r.width)} × ${Math.round(r.height)})`;
          const inSentence = (e) => e.tagName === 'A' && e.parentElement
            && [...e.parentElement.childNodes].some(n => n !== e && n.nodeType === Node.TEXT_NODE && /\w/.test(n.textContent));
          for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
            const style = getComputedStyle(e);
            let r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || r.right <= 0 || r.bottom <= 0) continue;
            if (e.type === 'checkbox' || e.type === 'radio') {
              const label = e.closest('label') || (e.id && document.querySelector(`label[for="${CSS.escape(e.id)}"]`));
              if (label) r = label.getBoundingClientRect();
            }
            if (r.width >= 43.5 && r.height >= 43.5) continue;
            (inSentence(e) ? exempt : small).push(describe(e, r));
          }
          return JSON.stringify({ small, exempt });
        }
        """;

    // A table that reflows on a phone must not scroll inside its box either.
    private const string ScrollingStackedTables = """
        () => [...document.querySelectorAll('table.stack')]
            .map(t => t.closest('.scroll') || t)
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.outerHTML.slice(0, 80) + ` (${box.scrollWidth} px in ${box.clientWidth})`)
        """;

    /// <summary>Cells under a money column (Amount, Total, Price, Unit price, Refunded, Revenue) and the chart's amounts that show a number without a currency.</summary>
    private const string AmountsWithoutCurrency = """
        () => {
          const money = /^(amount|total|price|unit price|refunded|revenue)$/i;
          const withCurrency = /[€$£]\s?-?\d|\d\s[A-Z]{3}\b/;
          const bad = [];
          for (const table of document.querySelectorAll('table')) {
            const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const columns = heads.map((h, i) => money.test(h) ? i : -1).filter(i => i >= 0);
            for (const row of table.querySelectorAll('tbody tr')) {
              for (const i of columns) {
                const cell = row.children[i];
                const text = cell ? cell.textContent.trim() : '';
                if (/\d/.test(text) && !withCurrency.test(text)) bad.push(`${heads[i]}: "${text}"`);
              }
            }
          }
          for (const t of document.querySelectorAll('svg.chart .tick, svg.chart .value')) {
            if (!withCurrency.test(t.textContent)) bad.push(`chart: "${t.textContent}"`);
          }
          return bad;
        }
        """;

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

    private static async Task PayToTheSimulatedBankAsync(BrowserSession session)
    {
        var page = session.Page;
        await page.GetByLabel("Email for your receipt").FillAsync("axe@example.com");
        await session.FillAddressAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Requires authentication (3-D Secure)" }).CheckAsync();
        await page.Locator("#pay-button").ClickAsync();
        await session.WaitForPathAsync("^/Checkout/SimulatedAuthentication");
    }

    private static Func<BrowserSession, Task> PayWithStripeAsync(bool declines) => async session =>
    {
        var page = session.Page;
        if (declines)
        {
            session.Allow("POST", "/Checkout", 400);
        }

        await Expect(page.Locator("#payment-element[data-mounted=payment]")).ToBeAttachedAsync();
        await page.GetByLabel("Email for your receipt").FillAsync("axe@example.com");
        await session.FillAddressAsync();
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

    /// <summary>Stripe asks for the bank's step: the page waits on Stripe.js (the stand-in) to run it.</summary>
    private static async Task PayWithStripeToTheBankStepAsync(BrowserSession session)
    {
        var page = session.Page;
        await Expect(page.Locator("#payment-element[data-mounted=payment]")).ToBeAttachedAsync();
        await page.GetByLabel("Email for your receipt").FillAsync("axe@example.com");
        await session.FillAddressAsync();
        await page.Locator("#pay-button").ClickAsync();
        await session.WaitForPathAsync("^/Checkout/Authenticate");
        await page.WaitForFunctionAsync("() => typeof window.__finishNextAction === 'function'");
    }

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
/// whether axe enters its frames (not into frames sandboxed without scripts, where it cannot run), and, for the
/// Stripe mode, the confirmation token Stripe.js (the stand-in) hands out (none: the shop without Stripe keys).
/// </summary>
public sealed record AxePage(
    string Path,
    bool Admin = false,
    Func<BrowserSession, Task>? Before = null,
    Func<BrowserSession, Task>? Then = null,
    int Status = 200,
    IReadOnlyList<string>? DisabledRules = null,
    bool EnterFrames = true,
    string? StripeToken = null);
