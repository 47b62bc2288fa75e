using System.Net;
using AngleSharp.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Areas.Identity.Pages.Account.Manage;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>
/// Setting up the authenticator takes the one-time enrolment token that comes with the account (printed by
/// create-admin, carried on by an invitation): a password alone never sees the key nor enrols one.
/// </summary>
public class AuthenticatorEnrolmentTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string Email = "fresh-admin@coffeeshop.test";
    private const string Password = "a-long-and-fresh-passphrase";
    private const string EnrolPath = RequireTwoFactorFilter.EnrolPath;

    private ShopFactory RequiringTwoFactor(TimeProvider? clock = null) => new(Stripe,
        new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" },
        services: s =>
        {
            if (clock is not null)
            {
                s.AddSingleton(clock);
            }
        });

    /// <summary>Runs create-admin as an operator would and answers the enrolment link it printed (path and query).</summary>
    private static async Task<string> CreateAdminAsync(ShopFactory shop, string email = Email)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CreateAdminCommand.RunAsync(shop.Services, [CreateAdminCommand.Name, "--email", email], () => Password, output, error);
        Assert.True(exitCode == 0, error.ToString());
        var line = output.ToString().Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("https://", StringComparison.Ordinal));
        var link = new Uri(line);
        Assert.Equal(ShopFactory.BaseAddress.Authority, link.Authority);
        Assert.Equal(EnrolPath, link.AbsolutePath);
        return link.PathAndQuery;
    }

    /// <summary>Signs in with the password through the form, on the way to <paramref name="returnUrl"/>.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string returnUrl, string email = Email, string password = Password)
    {
        var signIn = await AdminSession.SubmitSignInAsync(client, email, password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(returnUrl, signIn.Headers.Location!.OriginalString);
        return signIn;
    }

    private static string KeyOf(IDocument page) => page.QuerySelector("#shared-key")!.TextContent.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    private static string Totp(string base32Key) => new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp(DateTime.UtcNow);

    private static Task<HttpResponseMessage> SubmitCodeAsync(HttpClient client, IDocument page, string code) =>
        client.SubmitAsync(page.Form("#authenticator-form"), new Dictionary<string, string?> { ["Input.Code"] = code });

    private static async Task<(bool TwoFactor, string? Key)> StoredAsync(ShopFactory shop, string email = Email)
    {
        await using var scope = shop.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        return (await users.GetTwoFactorEnabledAsync(user), await users.GetAuthenticatorKeyAsync(user));
    }

    private static async Task AssertNewLinkNeededAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains("create-admin", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("#needs-link"));
        Assert.Null(page.QuerySelector("#shared-key"));
        Assert.Null(page.QuerySelector("svg#qr-code"));
        Assert.DoesNotContain("otpauth", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordAlone_WithoutAToken_SeesNoKeyAndCannotEnrol()
    {
        await using var shop = RequiringTwoFactor();
        await CreateAdminAsync(shop);
        var intruder = shop.CreateBrowserClient();
        await SignInAsync(intruder, "/Admin/Payments");

        var admin = await intruder.GetAsync("/Admin/Payments");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Equal(EnrolPath, admin.Headers.Location!.OriginalString);
        var enrol = await intruder.GetAsync(EnrolPath);
        var guessed = await intruder.GetAsync(EnrolPath + "?token=" + new string('A', 43));

        await AssertNewLinkNeededAsync(enrol);
        await AssertNewLinkNeededAsync(guessed);
        // A real form post (the sign-out form's antiforgery token) with a code for a key the intruder never saw.
        var form = (await HtmlForms.ParseAsync(enrol)).Form("form[action*='Logout']");
        form.SetAttribute("action", EnrolPath);
        var posted = await intruder.SubmitAsync(form, new Dictionary<string, string?> { ["Input.Code"] = "123456" });
        await AssertNewLinkNeededAsync(posted);
        Assert.False((await StoredAsync(shop)).TwoFactor);
    }

    [Fact]
    public async Task CreateAdminLink_ShowsTheKeyAsTextAndQrCode_EnrolsOnce_ThenIsUsedUp()
    {
        await using var shop = RequiringTwoFactor();
        var link = await CreateAdminAsync(shop);
        var client = shop.CreateBrowserClient();

        // Not signed in yet: the link leads through the sign-in form and back.
        var first = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(ShopFactory.BaseAddress, first.Headers.Location!).Query)["ReturnUrl"].ToString();
        Assert.Equal(link, returnUrl);
        await SignInAsync(client, returnUrl);
        var response = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var page = await HtmlForms.ParseAsync(response);

        var key = KeyOf(page);
        Assert.Equal((await StoredAsync(shop)).Key, key);
        var uri = new Uri(page.QuerySelector<AngleSharp.Html.Dom.IHtmlAnchorElement>("#authenticator-uri")!.Href);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal(key, QueryHelpers.ParseQuery(uri.Query)["secret"].ToString());
        Assert.Equal($"otpauth://totp/CoffeeShop:{Uri.EscapeDataString(Email)}?secret={key}&issuer=CoffeeShop&digits=6", uri.OriginalString);
        // The QR code: inline SVG with an accessible name, attributes only (nothing the CSP refuses), drawing that URI.
        var svg = page.QuerySelector("svg#qr-code")!;
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Contains(Email, page.GetElementById(svg.GetAttribute("aria-labelledby")!)!.TextContent, StringComparison.Ordinal);
        Assert.Empty(svg.QuerySelectorAll("[style], script, image, foreignObject"));
        Assert.Null(svg.GetAttribute("style"));
        var qr = AuthenticatorQrCode.Of(uri.OriginalString);
        Assert.Equal($"0 0 {qr.Size} {qr.Size}", svg.GetAttribute("viewBox"));
        Assert.Equal(qr.Path, svg.QuerySelector("path")!.GetAttribute("d"));

        var wrong = await SubmitCodeAsync(client, page, Totp(key) == "000000" ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.False((await StoredAsync(shop)).TwoFactor);

        var enabled = await SubmitCodeAsync(client, page, Totp(key));

        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var done = await HtmlForms.ParseAsync(enabled);
        Assert.NotNull(done.QuerySelector("#enabled"));
        Assert.Equal(10, done.QuerySelectorAll("#recovery-codes li").Length);
        Assert.True((await StoredAsync(shop)).TwoFactor);
        // The session stays signed in and now opens admin pages.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Admin/Payments")).StatusCode);
        // The token is used up: the same link, signed in with the password again in a new browser, shows nothing.
        var again = await SubmitCodeAsync(client, page, Totp(key));
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        var other = shop.CreateBrowserClient();
        var signIn = await AdminSession.SubmitSignInAsync(other, Email, Password, link);
        Assert.Contains("LoginWith2fa", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAdminLink_RunAgain_ReplacesTheLinkAndTheKey()
    {
        await using var shop = RequiringTwoFactor();
        var firstLink = await CreateAdminAsync(shop);
        var firstKey = (await StoredAsync(shop)).Key;

        var secondLink = await CreateAdminAsync(shop);

        Assert.NotEqual(firstKey, (await StoredAsync(shop)).Key);
        var client = shop.CreateBrowserClient();
        await SignInAsync(client, firstLink);
        await AssertNewLinkNeededAsync(await client.GetAsync(firstLink));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(secondLink)).StatusCode);
    }

    [Fact]
    public async Task CreateAdminLink_AfterEnrolmentTokenHours_IsRefused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var shop = RequiringTwoFactor(clock);
        var link = await CreateAdminAsync(shop);

        clock.Advance(TimeSpan.FromHours(71));
        var early = shop.CreateBrowserClient();
        await SignInAsync(early, link);
        Assert.Equal(HttpStatusCode.OK, (await early.GetAsync(link)).StatusCode);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var late = shop.CreateBrowserClient();
        await SignInAsync(late, link);
        var response = await late.GetAsync(link);

        await AssertNewLinkNeededAsync(response);
        Assert.False((await StoredAsync(shop)).TwoFactor);
    }

    [Fact]
    public async Task CreateAdmin_ForAnAdminWithTwoFactor_PrintsNoLinkAndKeepsTheKey()
    {
        await using var shop = RequiringTwoFactor();
        await CreateAdminAsync(shop);
        string key;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = (await users.FindByEmailAsync(Email))!;
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        using var output = new StringWriter();
        var exitCode = await CreateAdminCommand.RunAsync(shop.Services, [CreateAdminCommand.Name, "--email", Email], () => Password, output, new StringWriter());

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("token=", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("already set up", output.ToString(), StringComparison.Ordinal);
        Assert.Equal((true, key), await StoredAsync(shop));
    }

    [Fact]
    public async Task InvitationLink_SetsThePasswordThenTheAuthenticator_OnceEach()
    {
        await using var shop = RequiringTwoFactor();
        const string Ann = "ann@coffeeshop.test";
        const string Cleo = "cleo@coffeeshop.test";
        await AdminSession.CreateUserAsync(shop, Ann, admin: true);
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            // Ann has an authenticator, so her admin pages open.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = (await users.FindByEmailAsync(Ann))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        var ann = shop.CreateBrowserClient();
        var annKey = (await StoredAsync(shop, Ann)).Key!;
        var annCode = await ann.FollowRedirectAsync(await AdminSession.SubmitSignInAsync(ann, Ann, AdminSession.Password, "/Admin/Team"));
        await ann.SubmitAsync(annCode.Form("#two-factor-form"), new Dictionary<string, string?> { ["Input.TwoFactorCode"] = Totp(annKey) });
        var team = await ann.GetDocumentAsync("/Admin/Team");
        var invited = await HtmlForms.ParseAsync(await ann.SubmitAsync(team.Form("#invite-form"), new Dictionary<string, string?> { ["InviteEmail"] = Cleo }));
        var invitation = new Uri(invited.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#enrolment-url")!.Value).PathAndQuery;

        var cleo = shop.CreateBrowserClient();
        var enrolPage = await cleo.GetDocumentAsync(invitation);
        var enrolled = await HtmlForms.ParseAsync(await cleo.SubmitAsync(enrolPage.Form("#enrol-form"), new Dictionary<string, string?>
        {
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        }));
        var link = enrolled.QuerySelector<AngleSharp.Html.Dom.IHtmlAnchorElement>("#authenticator-link")!.GetAttribute("href")!;
        Assert.Equal(QueryHelpers.ParseQuery(new Uri(ShopFactory.BaseAddress, invitation).Query)["token"].ToString(),
            QueryHelpers.ParseQuery(new Uri(ShopFactory.BaseAddress, link).Query)["token"].ToString());

        // Without the link, Cleo's password alone shows no key.
        var withoutLink = shop.CreateBrowserClient();
        await SignInAsync(withoutLink, "/Admin", Cleo);
        await AssertNewLinkNeededAsync(await withoutLink.GetAsync(EnrolPath));

        await SignInAsync(cleo, link, Cleo);
        var setUp = await cleo.GetDocumentAsync(link);
        var enabled = await SubmitCodeAsync(cleo, setUp, Totp(KeyOf(setUp)));

        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.True((await StoredAsync(shop, Cleo)).TwoFactor);
        Assert.Equal(HttpStatusCode.OK, (await cleo.GetAsync("/Admin/Team")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await shop.CreateBrowserClient().GetAsync(invitation)).StatusCode);
        await AssertNewLinkNeededAsync(await cleo.GetAsync(link));
    }

    [Fact]
    public async Task SessionSignedInWithTwoFactors_MayMoveToANewAuthenticatorWithoutAToken()
    {
        await using var shop = RequiringTwoFactor();
        await CreateAdminAsync(shop);
        string key;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = (await users.FindByEmailAsync(Email))!;
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        var client = shop.CreateBrowserClient();
        var codePage = await client.FollowRedirectAsync(await AdminSession.SubmitSignInAsync(client, Email, Password));
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(codePage.Form("#two-factor-form"),
            new Dictionary<string, string?> { ["Input.TwoFactorCode"] = Totp(key) })).StatusCode);

        var page = await client.GetDocumentAsync(EnrolPath);

        Assert.Equal(key, KeyOf(page));
    }

    [Fact]
    public async Task TwoSubmitsOfOneLink_EnrolOnce()
    {
        await using var shop = RequiringTwoFactor();
        var link = await CreateAdminAsync(shop);
        var first = shop.CreateBrowserClient();
        var second = shop.CreateBrowserClient();
        await SignInAsync(first, link);
        await SignInAsync(second, link);
        var firstPage = await first.GetDocumentAsync(link);
        var secondPage = await second.GetDocumentAsync(link);
        var code = Totp(KeyOf(firstPage));

        var responses = await Task.WhenAll(SubmitCodeAsync(first, firstPage, code), SubmitCodeAsync(second, secondPage, code));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(responses, r => r.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest);
        var recoveryCodes = 0;
        foreach (var response in responses)
        {
            recoveryCodes += (await HtmlForms.ParseAsync(response)).QuerySelectorAll("#recovery-codes li").Length;
        }

        Assert.Equal(10, recoveryCodes);
    }
}
