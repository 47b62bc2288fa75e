using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CoffeeShop.Web.AdminAccounts;
using CoffeeShop.Web.Infrastructure;
using CoffeeShop.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Tests.Pages.Admin;

/// <summary>Who may open what under /Admin, how staff sign in, and what the sign-in page refuses.</summary>
public class AdminAccessTests(ShopFixture fixture) : ShopTest(fixture)
{
    private const string SignInPath = AdminRegistration.SignInPath;

    /// <summary>
    /// Every address the app serves from Pages/Admin, as the app itself lists them, so a page added
    /// later is checked without touching this test. Pages that need a route value (an id) are left
    /// to their own tests.
    /// </summary>
    private List<string> AdminPages()
    {
        var pages = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is { AreaName: null } page
                && (page.ViewEnginePath + "/").StartsWith("/Admin/", StringComparison.Ordinal))
            .Select(e => e.RoutePattern)
            .Where(p => p.Parameters.All(parameter => parameter.IsOptional))
            .Select(p => "/" + string.Join('/', p.PathSegments.Where(s => s.IsSimple && s.Parts[0].IsLiteral)
                .Select(s => ((RoutePatternLiteralPart)s.Parts[0]).Content)))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(pages);
        return pages;
    }

    private async Task<IdentityUser> UserAsync(string email)
    {
        await using var db = Db();
        return await db.Users.SingleAsync(u => u.Email == email);
    }

    [Fact]
    public async Task Get_EveryAdminPage_Anonymous_RedirectsToSignInWithReturnUrl()
    {
        var client = Factory.CreateBrowserClient();

        foreach (var url in AdminPages())
        {
            var response = await client.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{url} answered {(int)response.StatusCode}");
            var location = response.Headers.Location!;
            Assert.Equal(SignInPath, location.AbsolutePath);
            Assert.Equal(url, QueryHelpersValue(location, "ReturnUrl"));
        }
    }

    [Fact]
    public async Task Get_EveryAdminPage_SignedInWithoutAdminRole_Returns403()
    {
        var customer = await AdminSession.SignInAsync(Factory, "staff@coffeeshop.test", admin: false);

        foreach (var url in AdminPages())
        {
            var response = await customer.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{url} answered {(int)response.StatusCode}");
            Assert.Contains("Not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_EveryAdminPage_Admin_Returns200()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        foreach (var url in AdminPages())
        {
            var response = await admin.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Get_EveryAdminPageCsvExportAndAccountPage_Admin_AnswersNoStore()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        // Every page the app serves under /Admin (the orders and products CSV exports among them), the payments
        // export (a handler of the payments page) and the admin's own account pages.
        string[] urls = [.. AdminPages(), "/Admin/Payments?handler=Export", "/Identity/Account/Manage", "/Identity/Account/Manage/TwoFactorAuthentication"];
        Assert.Contains("/Admin/Orders/Export", urls);
        Assert.Contains("/Admin/Products/Export", urls);

        foreach (var url in urls)
        {
            var response = await admin.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{url} answered Cache-Control: {response.Headers.CacheControl}");
        }
    }

    [Theory]
    [InlineData("/Identity/Account/Register")]
    [InlineData("/Identity/Account/RegisterConfirmation?email=admin%40coffeeshop.test")]
    [InlineData("/Identity/Account/ExternalLogin?handler=Callback")]
    [InlineData("/Identity/Account/ResendEmailConfirmation")]
    public async Task PagesNotOffered_GetAndPost_Answer404AndCreateNoUser(string url)
    {
        var client = Factory.CreateBrowserClient();

        var get = await client.GetAsync(url);
        var post = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "intruder@example.com",
            ["Input.Password"] = AdminSession.Password,
            ["Input.ConfirmPassword"] = AdminSession.Password,
        }));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        await using var db = Db();
        Assert.Empty(await db.Users.ToListAsync());
    }

    [Fact]
    public async Task Get_SignIn_UsesTheShopLayoutWithoutBootstrapOrSignUpLinks()
    {
        var page = await Factory.CreateBrowserClient().GetDocumentAsync(SignInPath);

        Assert.NotNull(page.QuerySelector("header.site-header"));
        Assert.Equal("Sign in", page.QuerySelector("main h1")!.TextContent);
        Assert.Equal("username", page.QuerySelector("input[name='Input.Email']")!.GetAttribute("autocomplete"));
        Assert.Equal("password", page.QuerySelector("input[name='Input.Password']")!.GetAttribute("type"));
        Assert.Empty(page.QuerySelectorAll("script[src], link[href*='bootstrap'], a[href*='Register']"));
    }

    [Fact]
    public async Task Get_AccountManagement_SignedInAdmin_RendersInTheShopLayout()
    {
        var admin = await AdminSession.SignInAsync(Factory);

        var page = await admin.GetDocumentAsync("/Identity/Account/Manage/TwoFactorAuthentication");

        Assert.NotNull(page.QuerySelector("header.site-header .account"));
        Assert.Contains("Two-factor authentication", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll("script[src], link[href*='bootstrap']"));
    }

    [Fact]
    public async Task Post_SignIn_Admin_SetsAHardenedCookieAndShowsSignOut()
    {
        await AdminSession.CreateUserAsync(Factory, "admin@coffeeshop.test", admin: true);
        var client = Factory.CreateBrowserClient();

        var response = await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", AdminSession.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Admin", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ShopCookies.HostPrefix + AdminRegistration.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
        // Secure always outside Development, not only because this request came over https.
        var options = Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        Assert.Equal(CookieSecurePolicy.Always, options.Cookie.SecurePolicy);
        var home = await client.GetDocumentAsync("/");
        Assert.Equal("/Admin", home.QuerySelector(".site-header .account a")!.GetAttribute("href"));
        Assert.NotNull(home.QuerySelector(".site-header .account form button"));
    }

    [Fact]
    public async Task Post_SignOut_EndsTheSession()
    {
        var admin = await AdminSession.SignInAsync(Factory);
        var home = await admin.GetDocumentAsync("/");

        var signedOut = await admin.SubmitAsync(home.Form(".site-header .account form"));

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Null((await admin.GetDocumentAsync("/")).QuerySelector(".site-header .account"));
        var adminPage = await admin.GetAsync(AdminPages()[0]);
        Assert.Equal(HttpStatusCode.Redirect, adminPage.StatusCode);
    }

    [Fact]
    public async Task Get_Header_Anonymous_ShowsNoAccountArea()
    {
        var page = await Factory.CreateBrowserClient().GetDocumentAsync("/");

        Assert.Null(page.QuerySelector(".site-header .account"));
    }

    [Fact]
    public async Task Post_SignIn_WrongPassword_ShowsErrorAndCountsTheFailure()
    {
        await AdminSession.CreateUserAsync(Factory, "admin@coffeeshop.test", admin: true);
        var client = Factory.CreateBrowserClient();

        var response = await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", "not-the-right-password");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("Wrong email or password.", page.QuerySelector(".errors li")!.TextContent);
        Assert.Equal("", page.QuerySelector<IHtmlInputElement>("input[name='Input.Password']")!.Value);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(ShopCookies.HostPrefix + AdminRegistration.CookieName, StringComparison.Ordinal)));
        Assert.Equal(1, (await UserAsync("admin@coffeeshop.test")).AccessFailedCount);
    }

    [Fact]
    public async Task Post_SignIn_AfterTheConfiguredFailures_LocksTheAccountEvenForTheRightPassword()
    {
        await using var factory = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Admin:MaxFailedSignIns"] = "3",
            ["Admin:LockoutMinutes"] = "7",
        });
        await AdminSession.CreateUserAsync(factory, "admin@coffeeshop.test", admin: true);
        var client = factory.CreateBrowserClient();

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", "not-the-right-password");
        }

        var beforeLock = await UserAsync("admin@coffeeshop.test");
        Assert.Equal(2, beforeLock.AccessFailedCount);
        Assert.Null(beforeLock.LockoutEnd);

        var third = await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", "not-the-right-password");
        var rightPassword = await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", AdminSession.Password);

        Assert.Equal(HttpStatusCode.BadRequest, third.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rightPassword.StatusCode);
        Assert.Contains("locked", (await HtmlForms.ParseAsync(rightPassword)).QuerySelector(".errors li")!.TextContent, StringComparison.Ordinal);
        var locked = await UserAsync("admin@coffeeshop.test");
        Assert.InRange(locked.LockoutEnd!.Value, DateTimeOffset.UtcNow.AddMinutes(6), DateTimeOffset.UtcNow.AddMinutes(7.5));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(AdminPages()[0])).StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http:/evil.example")]
    public async Task SignIn_WithAForeignReturnUrl_GoesHome(string returnUrl)
    {
        await AdminSession.CreateUserAsync(Factory, "admin@coffeeshop.test", admin: true);
        var client = Factory.CreateBrowserClient();

        // Through the page: the form it renders no longer carries the foreign address.
        var viaForm = await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", AdminSession.Password, returnUrl);
        // Straight to the handler, as a crafted form would.
        var token = (await client.GetDocumentAsync(SignInPath)).Form("form.sign-in-form").AntiforgeryToken();
        var crafted = await client.PostAsync(new Uri(ShopFactory.BaseAddress, $"{SignInPath}?ReturnUrl={Uri.EscapeDataString(returnUrl)}"),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["Input.Email"] = "admin@coffeeshop.test",
                ["Input.Password"] = AdminSession.Password,
            }));

        Assert.Equal(HttpStatusCode.Redirect, viaForm.StatusCode);
        Assert.Equal("/Admin", viaForm.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, crafted.StatusCode);
        Assert.Equal("/Admin", crafted.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithALocalReturnUrl_GoesBackThere()
    {
        await AdminSession.CreateUserAsync(Factory, "admin@coffeeshop.test", admin: true);
        var client = Factory.CreateBrowserClient();
        var target = AdminPages()[0] + "?from=sign-in";

        var response = await AdminSession.SubmitSignInAsync(client, "admin@coffeeshop.test", AdminSession.Password, target);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(target, response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(target)).StatusCode);
    }

    [Fact]
    public async Task Start_InDevelopmentWithDevAdminSettings_SeedsAnAdminWhoCanSignIn()
    {
        await using var development = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Admin:DevEmail"] = "dev-admin@coffeeshop.test",
            ["Admin:DevPassword"] = "dev-only-espresso-beans",
        }, environment: "Development");
        var client = development.CreateBrowserClient();

        var response = await AdminSession.SubmitSignInAsync(client, "dev-admin@coffeeshop.test", "dev-only-espresso-beans", AdminPages()[0]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(response.Headers.Location!.OriginalString)).StatusCode);
        await using var db = Db();
        var user = await db.Users.SingleAsync();
        Assert.Equal("dev-admin@coffeeshop.test", user.Email);
        Assert.Equal(AdminRegistration.Role, await db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, r => r.RoleId, role => role.Id, (_, role) => role.Name).SingleAsync());
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithDevAdminSettings_SeedsNobody()
    {
        await using var testing = new ShopFactory(Stripe, new Dictionary<string, string?>
        {
            ["Admin:DevEmail"] = "dev-admin@coffeeshop.test",
            ["Admin:DevPassword"] = "dev-only-espresso-beans",
        });

        _ = testing.Services;

        await using var db = Db();
        Assert.Empty(await db.Users.ToListAsync());
    }

    private static string? QueryHelpersValue(Uri location, string key) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query).TryGetValue(key, out var value) ? value.ToString() : null;
}
